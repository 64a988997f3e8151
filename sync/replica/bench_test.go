package replica

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkMerge measures State.Apply on single-field changes spread over
// a few records, reported as changes/s.
func BenchmarkMerge(b *testing.B) {
	changes := randomChanges(rand.New(rand.NewPCG(1, 2)), 10000)
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		s := NewState()
		for _, c := range changes {
			s.Apply(c)
		}
		n += len(changes)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "changes/s")
}

// BenchmarkCheckBatch measures validation and rights of a batch of 150
// grouped note changes from one participant: a phone's day.
func BenchmarkCheckBatch(b *testing.B) {
	var batch []Change
	for i := 0; i < 150; i++ {
		id := VoteID(ballot, alice, i) // any distinct valid ids will do
		batch = append(batch, group(id, "note", i, "author", q(alice), "text", `"Ressaisie des données à chaque étape"`, "color", `"problem"`, "session", q(ballot)))
	}
	lookup := stored()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, rej, err := CheckBatch(asAlice, batch, lookup); err != nil || len(rej) != 0 {
			b.Fatal(err, rej)
		}
	}
	b.ReportMetric(float64(b.N*len(batch)*4)/b.Elapsed().Seconds(), "fields/s")
}
