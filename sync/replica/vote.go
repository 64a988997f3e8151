package replica

import (
	"strconv"

	"github.com/google/uuid"
)

// DefaultBudget is the number of stickers a person has on a ballot whose
// budget is not set.
const DefaultBudget = 4

// VoteID returns the id of the vote record for one sticker: the UUIDv5 (URL
// namespace) of "<ballot>/<voter>/<slot>". Every phone of a person computes
// the same ids, so a person never holds more stickers than the budget.
func VoteID(ballot, voter string, slot int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(ballot+"/"+voter+"/"+strconv.Itoa(slot))).String()
}

// Budget returns a ballot record's budget, DefaultBudget when unset.
func Budget(ballot *Record) int {
	b := ballot.Int("budget", DefaultBudget)
	if b < 1 || b > MaxBudget {
		return DefaultBudget
	}
	return int(b)
}

// Tally counts, for one ballot, the live vote records per target: a
// sticker counts when it is not deleted, has a target and a slot below the
// ballot's budget.
func Tally(s *State, ballot string) map[string]int {
	b := s.Record(ballot)
	budget := DefaultBudget
	if b != nil {
		budget = Budget(b)
	}
	out := map[string]int{}
	for _, r := range s.Records {
		if r.Kind != "vote" || r.Deleted() || r.String("ballot") != ballot {
			continue
		}
		t := r.String("target")
		if t == "" || r.Int("slot", -1) < 0 || r.Int("slot", -1) >= int64(budget) {
			continue
		}
		out[t]++
	}
	return out
}
