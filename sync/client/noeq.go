package client

// noEq, as a struct's first field, makes the struct not comparable: Go then
// generates no equality function for it, which every comparable type stored
// in an interface (components, JSON bodies) otherwise costs in app.wasm.
type noEq [0]func()
