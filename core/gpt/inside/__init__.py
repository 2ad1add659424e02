"""Looking inside a trained GPT (what the GPT pages measure): a prompt's attention and W_p, the next-token
distribution a sampler draws from, what it guessed at each token, the logit lens, knocked-out heads, and the
residual stream."""
