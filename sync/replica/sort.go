package replica

import "sort"

// SortStable sorts n elements stably: less compares elements i and j, swap
// exchanges them. It goes through sort.Sort, which the wasm app links
// anyway (go-app uses it), rather than sort.Slice or sort.SliceStable,
// which would add a reflection-based swapper (internal/reflectlite) and
// another copy of the sorting code to app.wasm. Equal elements keep their
// order.
func SortStable(n int, less func(i, j int) bool, swap func(i, j int)) {
	s := &stable{pos: make([]int, n), less: less, swap: swap}
	for i := range s.pos {
		s.pos[i] = i
	}
	sort.Sort(s)
}

type stable struct {
	pos  []int // each element's place before sorting
	less func(i, j int) bool
	swap func(i, j int)
}

func (s *stable) Len() int { return len(s.pos) }

func (s *stable) Less(i, j int) bool {
	if s.less(i, j) {
		return true
	}
	if s.less(j, i) {
		return false
	}
	return s.pos[i] < s.pos[j]
}

func (s *stable) Swap(i, j int) {
	s.swap(i, j)
	s.pos[i], s.pos[j] = s.pos[j], s.pos[i]
}
