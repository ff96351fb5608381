"""The screens of the main window, one module each (see main_window.SCREENS)."""
