#!/usr/bin/env bash
# The GPU check: one short prepared script for a machine with an NVIDIA GPU (e.g. a lent H200).
#
#   bash bench/gpu_check.sh [STEPS]          # STEPS per training (default 60)
#   GPU_CHECK_DEVICE=cpu bash bench/gpu_check.sh 3   # dry run of the same code on the CPU
#
# 1. the unit tests that touch the device (device picking, the trainer, the model, the job);
# 2. the class-demo and gpt-1 presets trained STEPS steps each, fp32 and bf16 autocast, through the
#    app's Trainer (core.gpt.pretrain.gpt_trainer): tokens/s, MFU, peak memory;
# 3. the training page's job (core.gpt.training_job.TrainingJob) and one fine-tuning run
#    (core.gpt.finetune.job.run_experiment) on the device.
# Last line on stdout: one JSON object. Without a CUDA device it prints {"cuda": false, ...} and exits 0.
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
STEPS=${1:-60}
DEVICE=${GPU_CHECK_DEVICE:-cuda}

if [ "$DEVICE" = cuda ] && ! "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  "$PY" - <<'EOF' 2>/dev/null || echo '{"cuda": false, "reason": "python with torch not found"}'
import json, shutil, torch
print(json.dumps({"cuda": False, "torch": torch.__version__, "torch_cuda_build": torch.version.cuda,
                  "nvidia_smi": shutil.which("nvidia-smi") is not None,
                  "reason": "torch.cuda.is_available() is False: nothing to check on this machine"}))
EOF
  exit 0
fi

export ATLAS_CACHE_DIR=$(mktemp -d)  # a fresh cache: the runs below really train
trap 'rm -rf "$ATLAS_CACHE_DIR"' EXIT
TESTS_RC=0
if [ "$DEVICE" = cuda ]; then
  "$PY" -m pytest -q -p no:cacheprovider -x tests/test_core_basics.py tests/test_trainer.py tests/test_gpt.py \
    tests/test_training_job.py >&2 || TESTS_RC=$?
fi

STEPS=$STEPS DEVICE=$DEVICE TESTS_RC=$TESTS_RC "$PY" - <<'EOF'
import json, os, sys, time
import torch
from core.corpus import load_shipped, split_train_heldout
from core.gpt.data import TokenData, build_tokenizer
from core.gpt.model import GPT, GPTConfig
from core.gpt.pretrain import TrainConfig, gpt_trainer

# H200 SXM: 989 TFLOP/s dense BF16 Tensor Core (NVIDIA H200 datasheet, "BF16 Tensor Core 1,979 TFLOPS"
# with 2:4 sparsity, half of it dense). Against it fp32 runs are far below 1: fp32 matmuls use TF32 at best.
H200_BF16_PEAK = 989e12
steps, device = int(os.environ["STEPS"]), torch.device(os.environ["DEVICE"])
cuda = device.type == "cuda"
if cuda:
    torch.backends.cuda.matmul.allow_tf32 = True  # what "fp32" means on a GPU in practice
name = torch.cuda.get_device_name(0) if cuda else "cpu (dry run)"
peak = H200_BF16_PEAK if cuda else float("nan")
train, held = split_train_heldout(load_shipped("en"))
tok = build_tokenizer("char", train)
out = {"cuda": cuda, "device": name, "torch": torch.__version__, "steps": steps,
       "unit_tests_rc": int(os.environ["TESTS_RC"]), "presets": {}}
for preset, batch in (("class-demo", 64), ("gpt-1", 8)):
    cfg = GPTConfig.preset(preset, tok.vocab_size)
    if not cuda:  # the dry run checks the code, not the speed
        cfg = GPTConfig.preset("tiny", tok.vocab_size)
        batch = 4
    data = TokenData.from_text(tok, train, held, cfg.block_size, device)
    for prec in ("fp32", "bf16"):
        torch.manual_seed(0)
        model = GPT(cfg).to(device)
        tc = TrainConfig(max_iters=steps, batch_size=batch, eval_interval=0, eval_iters=2,
                         autocast="bf16" if prec == "bf16" else None, threads=None)
        if cuda:
            torch.cuda.reset_peak_memory_stats()
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        r = gpt_trainer(model, data, tc).run()
        if cuda:
            torch.cuda.synchronize()
        wall = time.perf_counter() - t0
        tps = steps * batch * cfg.block_size / wall  # synchronised wall time (the Trainer's clock doesn't wait for the GPU)
        out["presets"][f"{preset}/{prec}"] = {
            "tokens_per_s": round(tps, 1), "mfu_vs_bf16_peak": round(tps * model.flops_per_token() / peak, 4) if cuda else None,
            "final_loss": round(r.loss, 4) if r.loss is not None else None, "status": r.status,
            "peak_mem_mb": round(torch.cuda.max_memory_allocated() / 2**20, 1) if cuda else None,
            "params": model.num_params()}
        print(preset, prec, out["presets"][f"{preset}/{prec}"], file=sys.stderr)
        del model

from core.gpt import training_job as tj
job = tj.build_job(tj.JobSettings(max_iters=steps, eval_interval=max(1, steps // 2), sample_interval=0),
                   train, held, device, "gpu check")
t0 = time.perf_counter()
job.start(); job.wait(600)
v = job.view()
out["page_job"] = {"status": v.status, "steps": v.step, "device": v.device, "last_val": v.last_val,
                   "wall_s": round(time.perf_counter() - t0, 2)}
from core.gpt.finetune.job import run_experiment
from core.gpt.finetune.settings import Settings
t0 = time.perf_counter()
if cuda:
    fv = run_experiment(Settings(lang="en", budget="quick", variants=("full",)), device)
    out["finetune"] = {"status": fv.status, "results": {k: str(r)[:200] for k, r in fv.results.items()},
                       "wall_s": round(time.perf_counter() - t0, 2)}
else:  # ~100 CPU-seconds: not for a dry run
    out["finetune"] = {"status": "skipped (dry run)"}
out["ok"] = (out["unit_tests_rc"] == 0 and v.status == "finished" and out["finetune"]["status"] in ("finished", "skipped (dry run)")
             and all(p["status"] == "finished" for p in out["presets"].values()))
print(json.dumps(out))
EOF
