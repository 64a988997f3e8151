//go:build !unix

package pgtest

import "fmt"

// cluster is a throwaway PostgreSQL cluster; there is none on this system.
type cluster struct{ url string }

func startCluster() (*cluster, error) {
	return nil, fmt.Errorf("%w: pgtest starts a throwaway cluster on Unix only; set %s", ErrNoPostgres, EnvURL)
}

func (c *cluster) stop() error { return nil }
