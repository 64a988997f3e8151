//go:build !(js && wasm)

package localdb

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"carnet/sync/client"
	"carnet/sync/client/localtest"
)

var n int

func TestLocal(t *testing.T) {
	localtest.Run(t, func(t *testing.T) client.Local {
		n++
		w := fmt.Sprintf("native-%d", n)
		t.Cleanup(func() { Remove(context.Background(), w) })
		l, err := Open(context.Background(), w)
		if err != nil {
			t.Fatal(err)
		}
		return l
	})
}

func TestOpenAgainKeepsData(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, "same")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Remove(ctx, "same") })
	if err := a.SaveMeta(ctx, client.Meta{Workshop: "same", Name: "x"}); err != nil {
		t.Fatal(err)
	}
	b, _ := Open(ctx, "same")
	if m, _ := b.Meta(ctx); m.Name != "x" {
		t.Fatalf("Open again: meta %+v, want the saved one", m)
	}
	list, _ := Workshops(ctx)
	if len(list) != 1 || list[0].Workshop != "same" {
		t.Fatalf("Workshops() = %+v", list)
	}
	if _, err := Open(ctx, ""); !errors.Is(err, ErrNoWorkshop) {
		t.Fatalf("Open(\"\") = %v, want ErrNoWorkshop", err)
	}
}
