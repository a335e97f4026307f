"""Qingxin's own hook for PySide6.QtGui (build_installer.spec puts packaging/hooks first).

PyInstaller's hook collects every plugin type QtGui can use. A widgets-only app on
Windows (and Linux for CI) needs far fewer, and on Linux the extra ones pull in system
libraries (GTK theme → cairo/pango, Wayland, EGL): dropping them keeps the bundle small
without changing what the app can do. Kept: the platform plugins for Windows, X11 and
offscreen (CI), input methods (Chinese IMEs) and print support. No image-format
plugins: the app reads no image files, and the PNG of Qt's own icons is built into
QtGui.
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


def _wanted(src: str) -> bool:
    path = src.replace("\\", "/")
    return not any(part in path for part in DROP)


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dst) for src, dst in binaries if _wanted(src)]
