from core.i18n import Catalog

T = Catalog(
    "guard",
    {
        "unexpected": (
            "Something went wrong on this page (an error in the app, not in what you did). It has been logged "
            "for the maintainers. Change a setting or reload the page to try again.",
            "このページで問題が起きました（アプリ側のエラーで、操作のせいではありません）。管理者向けに記録しました。"
            "設定を変えるか、ページを再読み込みしてもう一度お試しください。",
        ),
        "reference": ("Reference: {ref}", "参照番号：{ref}"),
    },
)
