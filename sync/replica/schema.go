package replica

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on what a change may carry. They apply to the decoded value.
const (
	MaxString    = 2000     // Unicode code points in any string
	MaxFields    = 64       // fields a record
	MaxValueSize = 32 << 10 // bytes of one value, compact JSON
	MaxFieldName = 64       // bytes of a field name
	MaxBudget    = 100      // stickers a person on one ballot
	MaxList      = 200      // entries of a list field (rules)
)

// Kinds lists every record kind of protocol version 1.
var Kinds = []string{"workshop", "session", "group", "participant", "note", "photo", "thread", "ballot", "vote"}

// checker validates one decoded value; v has been decoded with UseNumber.
type checker func(v any) error

var (
	isString = func(v any) error {
		if _, ok := v.(string); !ok {
			return fmt.Errorf("must be a string")
		}
		return nil
	}
	isBool = func(v any) error {
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("must be true or false")
		}
		return nil
	}
	isNumber = func(v any) error {
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("must be a number")
		}
		f, err := n.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return fmt.Errorf("must be a finite number")
		}
		return nil
	}
	// isRef is a record id, or empty for none.
	isRef = func(v any) error {
		s, ok := v.(string)
		if !ok || (s != "" && !IsID(s)) {
			return fmt.Errorf("must be a record id (lowercase UUID) or empty")
		}
		return nil
	}
	// isOwner is a participant id, never empty.
	isOwner = func(v any) error {
		s, ok := v.(string)
		if !ok || !IsID(s) {
			return fmt.Errorf("must be a participant id (lowercase UUID)")
		}
		return nil
	}
	isSHA256 = func(v any) error {
		s, ok := v.(string)
		if !ok || !sha256re.MatchString(s) {
			return fmt.Errorf("must be a SHA-256 in 64 lowercase hex digits")
		}
		return nil
	}
	isDate = func(v any) error {
		s, ok := v.(string)
		if !ok || (s != "" && !datere.MatchString(s)) {
			return fmt.Errorf("must be an ISO date (YYYY-MM-DD) or empty")
		}
		return nil
	}
	isStrings = func(v any) error {
		l, ok := v.([]any)
		if !ok {
			return fmt.Errorf("must be a list of strings")
		}
		if len(l) > MaxList {
			return fmt.Errorf("must have at most %d entries", MaxList)
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				return fmt.Errorf("must be a list of strings")
			}
		}
		return nil
	}
	isTimer = func(v any) error {
		if v == nil {
			return nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf(`must be {"started": ms, "paused_left": ms} or null`)
		}
		for _, k := range []string{"started", "paused_left"} {
			if x, ok := m[k]; ok && x != nil {
				if err := isInt(0, math.MaxInt64)(x); err != nil {
					return fmt.Errorf("%s %v", k, err)
				}
			}
		}
		return nil
	}
	sha256re = regexp.MustCompile(`^[0-9a-f]{64}$`)
	datere   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	namere   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

func isInt(min, max int64) checker {
	return func(v any) error {
		n, ok := v.(json.Number)
		if !ok {
			return fmt.Errorf("must be a whole number")
		}
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil {
			return fmt.Errorf("must be a whole number")
		}
		if i < min || i > max {
			return fmt.Errorf("must be between %d and %d", min, max)
		}
		return nil
	}
}

func oneOf(values ...string) checker {
	return func(v any) error {
		s, ok := v.(string)
		if ok {
			for _, w := range values {
				if s == w {
					return nil
				}
			}
		}
		return fmt.Errorf("must be one of %q", values)
	}
}

// Note colours: the workshop's colour code.
const (
	ColorCurrent = "current" // the use case as it is today
	ColorData    = "data"    // data that flows
	ColorProblem = "problem" // an irritant (red triangles)
	ColorWish    = "wish"    // what they would like (green)
	ColorValue   = "value"   // a euro sign: monetary value
	ColorSmile   = "smile"   // a smiley: qualitative value
	ColorIdea    = "idea"
)

// Colors lists the note colours in display order.
var Colors = []string{ColorCurrent, ColorData, ColorProblem, ColorWish, ColorValue, ColorSmile, ColorIdea}

// schema maps a kind to its listed fields and their checkers. It is built
// from a table at init: a map literal of maps costs far more code in
// app.wasm (one map assignment call per field).
var schema = buildSchema([]schemaKind{
	{"workshop", "title place starts ends template rules vote_budget max_threads locale show_authors", []checker{
		isString, isString, isDate, isDate, isString, isStrings, isInt(1, MaxBudget), isInt(1, 1000), isString, isBool}},
	{"session", "title type position minutes instructions format board timer", []checker{
		isString, oneOf("room", "visit", "icebreaker", "break"), isNumber, isInt(0, 100000), isString,
		oneOf("plenary", "groups", "standing"), isString, isTimer}},
	{"group", "name position", []checker{isString, isNumber}},
	{"participant", "name role group", []checker{isString, isString, isRef}},
	{"note", "session group zone text color author thread x y", []checker{
		isRef, isRef, isString, isString, oneOf(Colors...), isOwner, isRef, isNumber, isNumber}},
	{"photo", "session group blob mime width height bytes caption author taken", []checker{
		isRef, isRef, isSHA256, oneOf("image/jpeg", "image/png", "image/webp"),
		isInt(0, 1<<20), isInt(0, 1<<20), isInt(0, 1<<40), isString, isOwner, isInt(0, maxMillis)}},
	{"thread", "title body position selected", []checker{isString, isString, isNumber, isBool}},
	{"ballot", "session title budget target_kind open", []checker{
		isRef, isString, isInt(1, MaxBudget), oneOf("thread", "note"), isBool}},
	{"vote", "ballot voter slot target", []checker{isOwnerRef, isOwner, isInt(0, MaxBudget-1), isRef}},
})

// schemaKind is one kind of the schema table: its field names, separated by
// spaces, and their checkers in the same order.
type schemaKind struct {
	kind, fields string
	checks       []checker
}

func buildSchema(kinds []schemaKind) map[string]map[string]checker {
	out := make(map[string]map[string]checker, len(kinds))
	for _, k := range kinds {
		names := strings.Fields(k.fields)
		if len(names) != len(k.checks) {
			panic("replica: schema of " + k.kind + " has " + strconv.Itoa(len(names)) + " fields and " + strconv.Itoa(len(k.checks)) + " checkers")
		}
		m := make(map[string]checker, len(names))
		for i, n := range names {
			m[n] = k.checks[i]
		}
		out[k.kind] = m
	}
	return out
}

// isOwnerRef is a required record id.
var isOwnerRef checker = func(v any) error {
	s, ok := v.(string)
	if !ok || !IsID(s) {
		return fmt.Errorf("must be a record id (lowercase UUID)")
	}
	return nil
}

// KnownKind reports whether kind is a kind of this protocol version.
func KnownKind(kind string) bool {
	_, ok := schema[kind]
	return ok
}

// Known reports whether field is a listed field of kind (deleted included).
func Known(kind, field string) bool {
	if field == "deleted" {
		return KnownKind(kind)
	}
	_, ok := schema[kind][field]
	return ok
}

// CheckValue validates value as field of kind and returns it in compact
// JSON. Listed fields must have their type; every field, listed or not,
// must be valid JSON of at most MaxValueSize bytes whose strings are at most
// MaxString code points. The error says what to fix.
func CheckValue(kind, field string, value json.RawMessage) (json.RawMessage, error) {
	if len(field) == 0 || len(field) > MaxFieldName || !namere.MatchString(field) {
		return nil, fmt.Errorf("field name %q must be lowercase letters, digits and _, at most %d bytes", truncate(field, 80), MaxFieldName)
	}
	v, err := Compact(value)
	if err != nil {
		return nil, err
	}
	if len(v) > MaxValueSize {
		return nil, fmt.Errorf("value is %d bytes, more than %d", len(v), MaxValueSize)
	}
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber()
	var x any
	if err := d.Decode(&x); err != nil {
		return nil, fmt.Errorf("value is not valid JSON: %v", err)
	}
	if err := checkStrings(x); err != nil {
		return nil, err
	}
	check := schema[kind][field]
	if field == "deleted" {
		check = isBool
	}
	if check != nil {
		if err := check(x); err != nil {
			return nil, fmt.Errorf("%s.%s %v", kind, field, err)
		}
	}
	return v, nil
}

func checkStrings(x any) error {
	switch x := x.(type) {
	case string:
		if n := utf8.RuneCountInString(x); n > MaxString {
			return fmt.Errorf("a text of %d characters is longer than %d", n, MaxString)
		}
	case []any:
		for _, e := range x {
			if err := checkStrings(e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range x {
			if err := checkStrings(k); err != nil {
				return err
			}
			if err := checkStrings(e); err != nil {
				return err
			}
		}
	}
	return nil
}
