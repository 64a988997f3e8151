package client

// As is errors.As for a target type T: the first error in err's tree (its
// Unwrap chain, joined errors included) that is a T. It uses a type
// assertion rather than reflection: errors.As links internal/reflectlite's
// assignability checks into app.wasm, which nothing else there needs.
// Errors with an As method are not consulted; none of this module's have
// one.
func As[T error](err error) (T, bool) {
	for err != nil {
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := As[T](e); ok {
					return t, true
				}
			}
			return *new(T), false
		default:
			return *new(T), false
		}
	}
	return *new(T), false
}
