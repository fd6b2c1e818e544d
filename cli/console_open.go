package cli

import (
	"os"
	"os/exec"
	"runtime"
)

// openBrowser starts the system's URL opener with url as its one argument
// (never through a shell), detached and with its output discarded (an
// opener may echo the URL). It returns "" once started, else why it could
// not be: no graphical session, or no opener.
func openBrowser(url string) string {
	name, args := opener()
	if name == "" {
		return "no graphical session to open a browser in (neither DISPLAY nor WAYLAND_DISPLAY is set)"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "no " + name + " to open a browser with"
	}
	cmd := exec.Command(path, append(args, url)...)
	if err := cmd.Start(); err != nil {
		return "could not start " + name
	}
	_ = cmd.Process.Release()
	return ""
}

// opener is the program (and its leading arguments) that opens a URL in
// the user's browser here; "" when there is no graphical session.
func opener() (string, []string) {
	switch runtime.GOOS {
	case "darwin":
		return "open", nil
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler"}
	}
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return "", nil
	}
	return "xdg-open", nil
}
