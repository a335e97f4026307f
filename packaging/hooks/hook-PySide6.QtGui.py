"""Qingxin's own hook for PySide6.QtGui (build_installer.spec puts packaging/hooks first).

PyInstaller's hook collects every plugin type QtGui can use. A widgets-only app on
Windows (and Linux for CI) needs far fewer, and on Linux the extra ones pull in system
libraries (GTK theme → cairo/pango, Wayland, EGL): dropping them keeps the bundle small
without changing what the app can do. Kept: the platform plugins for Windows, X11 and
offscreen (CI), input methods (Chinese IMEs) and print support. Of the image-format
plugins only JPEG: a hospital's 回执 or 病历证明 scanned as a JPEG is shown in the
attachment viewer (PNG is built into QtGui; PDF is saved, not shown); the self-test's GUI
step fails if either cannot be read.
"""

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

DROP = (
    "/platformthemes/", "/wayland-", "/egldeviceintegrations/", "/xcbglintegrations/",
    "/generic/", "/iconengines/",
    "/platforms/libqwayland", "/platforms/libqeglfs", "/platforms/libqlinuxfb",
    "/platforms/libqvnc", "/platforms/libqvkkhrdisplay", "/platforms/libqminimalegl",
    "/platforms/qdirect2d", "/platforms/qminimalegl",
    "/imageformats/",
)


KEEP = ("/imageformats/libqjpeg", "/imageformats/qjpeg")


def _wanted(src: str) -> bool:
    path = src.replace("\\", "/")
    return any(part in path for part in KEEP) or not any(part in path for part in DROP)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dst) for src, dst in binaries if _wanted(src)]
