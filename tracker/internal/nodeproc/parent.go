package nodeproc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Proc is a node process seen from the parent.
type Proc struct {
	Name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	ready chan Ready
	read  chan error // the reader's end: nil at end of output
}

// Launch starts argv (the test binary with a -test.run selecting the
// calling test) as a node with EnvVar set, sends it the spec and hands
// every message it writes to onMsg, from one goroutine per node. The node's
// standard error goes to the parent's.
func Launch(argv []string, spec Spec, onMsg func(Msg)) (*Proc, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), EnvVar+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("nodeproc: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("nodeproc: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("nodeproc: start %s: %w", spec.Node, err)
	}
	p := &Proc{Name: spec.Node, cmd: cmd, stdin: stdin, ready: make(chan Ready, 1), read: make(chan error, 1)}
	go p.readLoop(stdout, onMsg)
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("nodeproc: %w", err)
	}
	if _, err := fmt.Fprintf(stdin, "%s\n", b); err != nil {
		return nil, fmt.Errorf("nodeproc: send spec to %s: %w", spec.Node, err)
	}
	return p, nil
}

func (p *Proc) readLoop(r io.Reader, onMsg func(Msg)) {
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for lines.Scan() {
		rest, ok := strings.CutPrefix(lines.Text(), Prefix)
		if !ok {
			continue // the test framework's own output
		}
		var m Msg
		if err := json.Unmarshal([]byte(rest), &m); err != nil {
			p.read <- fmt.Errorf("nodeproc: %s wrote %q: %w", p.Name, rest, err)
			_, _ = io.Copy(io.Discard, r)
			return
		}
		if m.Ready != nil {
			p.ready <- *m.Ready
		}
		onMsg(m)
	}
	p.read <- lines.Err()
}

// PID is the node's process ID.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// WaitReady waits until the node is ready, has ended or timeout passed.
func (p *Proc) WaitReady(timeout time.Duration) (Ready, error) {
	select {
	case r := <-p.ready:
		return r, nil
	case err := <-p.read:
		p.read <- err
		return Ready{}, fmt.Errorf("nodeproc: %s ended before it was ready (%v): %v", p.Name, err, p.cmd.Wait())
	case <-time.After(timeout):
		return Ready{}, fmt.Errorf("nodeproc: %s not ready after %s", p.Name, timeout)
	}
}

// Go starts the node's clock: simulated time t0 at wall time w0.
func (p *Proc) Go(t0, w0 time.Time) error {
	_, err := fmt.Fprintf(p.stdin, "go %d %d\n", t0.UnixNano(), w0.UnixNano())
	if err != nil {
		return fmt.Errorf("nodeproc: go %s: %w", p.Name, err)
	}
	return nil
}

// Stop asks for a graceful stop and waits for the process to exit.
func (p *Proc) Stop() error {
	_, _ = io.WriteString(p.stdin, "stop\n")
	_ = p.stdin.Close()
	if err := <-p.read; err != nil {
		return err
	}
	if err := p.cmd.Wait(); err != nil {
		return fmt.Errorf("nodeproc: %s: %w", p.Name, err)
	}
	return nil
}

// Kill sends SIGKILL and waits for the process to be gone; it reports an
// error unless the process died of that signal.
func (p *Proc) Kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("nodeproc: kill %s: %w", p.Name, err)
	}
	<-p.read
	err := p.cmd.Wait()
	_ = p.stdin.Close()
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		return fmt.Errorf("nodeproc: %s did not die of SIGKILL: %v", p.Name, err)
	}
	return nil
}
