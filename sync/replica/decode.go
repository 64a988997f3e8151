package replica

import (
	"encoding/json"
	"fmt"
)

// DecodeChange decodes one change from JSON. It checks the shape only
// (types of record, kind, field, fields, clock); CheckBatch checks the rest.
// A value that is JSON null stays the bytes "null"; an absent value is nil.
func DecodeChange(data []byte) (Change, error) {
	var c Change
	if err := json.Unmarshal(data, &c); err != nil {
		return Change{}, fmt.Errorf("change is not a JSON object of record, kind, field, value or fields, clock: %v", err)
	}
	if c.Fields == nil && c.Field != "" && c.Value == nil {
		return Change{}, fmt.Errorf("change to field %q has no value", truncate(c.Field, 80))
	}
	for f, v := range c.Fields {
		if v == nil {
			return Change{}, fmt.Errorf("field %q of a grouped change has no value", truncate(f, 80))
		}
	}
	return c, nil
}

// DecodeChanges decodes a list of raw changes one by one: a change that does
// not decode gets a rejection at its index and the others stand. at[i] is
// the index in raws of changes[i], so that rejections of the decoded
// changes can be mapped back to the request.
func DecodeChanges(raws []json.RawMessage) (changes []Change, at []int, rejected []Rejection) {
	changes = make([]Change, 0, len(raws))
	at = make([]int, 0, len(raws))
	for i, raw := range raws {
		c, err := DecodeChange(raw)
		if err != nil {
			rejected = append(rejected, Rejection{Index: i, Code: CodeInvalid, Message: err.Error()})
			continue
		}
		changes = append(changes, c)
		at = append(at, i)
	}
	return changes, at, rejected
}
