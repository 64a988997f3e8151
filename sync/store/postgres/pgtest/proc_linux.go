package pgtest

import "syscall"

// sysProcAttr runs a command as cred (nil: as ourselves). The server gets
// SIGQUIT, its immediate shutdown, if the test binary dies without
// stopping it (a panic, a timeout, a kill): no cluster outlives its tests.
// Linux sends it when the thread that started the server exits, which Go
// threads do not do on their own.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
}
