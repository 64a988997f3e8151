package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"carnet/sync/replica"
)

// The facilitator's calls beside sync (PROTOCOL.md, "Extensions made by
// this server"): erase a participant's data, export the workshop, and
// import an export into another server.

// Erased is what the server erased for one participant.
type Erased struct {
	_       noEq
	Cursor  string `json:"cursor"`  // the server's cursor after the erase
	Records int    `json:"records"` // records blanked and deleted
	Photos  int    `json:"photos"`  // photo files dropped from the server
}

// Erase asks the server to erase one participant's data: its participant
// record and every note, photo and vote it owns are blanked and deleted,
// and its photos' bytes dropped. Only the facilitator may; a participant
// gets ErrForbidden. It needs the network. The erasing changes reach this
// device (and the phones) at the next Sync.
func (c *Client) Erase(ctx context.Context, participant string) (Erased, error) {
	var out Erased
	if !replica.IsID(participant) {
		return out, &Error{Code: "invalid", Message: "the participant must be a record id (lowercase UUID)"}
	}
	c.mu.Lock()
	token := c.meta.Token
	c.mu.Unlock()
	req, err := jsonRequest(c.url("/erase"), token, map[string]string{"participant": participant})
	if err != nil {
		return out, err
	}
	resp, err := c.send(ctx, req)
	if err != nil {
		return out, fmt.Errorf("erase: %w", err)
	}
	if err := decode(resp, 200, &out); err != nil {
		return out, fmt.Errorf("erase: %w", err)
	}
	return out, nil
}

// Export returns the workshop exported by the server in format: "json"
// (every record, re-importable with Import), "csv", "md", "html" or "zip".
// Only the facilitator may.
func (c *Client) Export(ctx context.Context, format string) ([]byte, error) {
	c.mu.Lock()
	token := c.meta.Token
	c.mu.Unlock()
	req := &Request{Method: "GET", URL: c.url("/export?format=" + url.QueryEscape(format)), Header: map[string]string{"Authorization": "Bearer " + token}}
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if resp.Status != 200 {
		return nil, fmt.Errorf("export: %w", apiError(resp))
	}
	return resp.Body, nil
}

// ExportURL returns the URL of the server's export in format, with the
// facilitator's token in the query (for a download link: a link sends no
// header). Show it to the facilitator only.
func (c *Client) ExportURL(format string) string {
	c.mu.Lock()
	token := c.meta.Token
	c.mu.Unlock()
	return c.url("/export?format=" + url.QueryEscape(format) + "&token=" + url.QueryEscape(token))
}

// Import re-creates a workshop from its JSON export (Export "json") on the
// server at server (a base URL, empty for the same origin), which must not
// have it, and returns its facilitator's client, like Create: same id,
// same records and clocks; a new join code and tokens. The records reach
// cfg.Local at the first Sync. It fails with ErrConflict when the server
// has the workshop, ErrInvalid when the export breaks a rule, and
// ErrNoWorkshop when cfg.Local already holds a workshop.
func Import(ctx context.Context, cfg Config, server string, export []byte, organizerKey string) (*Client, error) {
	if err := cfg.fill(); err != nil {
		return nil, err
	}
	var head struct {
		Workshop string `json:"workshop"`
	}
	if err := json.Unmarshal(export, &head); err != nil || !replica.IsID(head.Workshop) {
		return nil, fmt.Errorf("import: %w", &Error{Code: "invalid", Message: "the export is not a Carnet JSON export: it names no workshop"})
	}
	m, err := cfg.Local.Meta(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: read meta: %w", err)
	}
	if m.Workshop != "" {
		return nil, fmt.Errorf("import: %w: this store holds workshop %s", ErrNoWorkshop, m.Workshop)
	}
	c := newClient(cfg, Meta{Server: server, Replica: NewID()})
	req, err := jsonRequest(c.url("/"+head.Workshop+"/import"), organizerKey, json.RawMessage(export))
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	var out createResponse
	if err := decode(resp, 201, &out); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if out.Workshop != head.Workshop || out.FacilitatorToken == "" {
		return nil, fmt.Errorf("import: %w", &Error{Status: resp.Status, Code: "invalid", Message: "the server's answer has not the workshop's id or no token"})
	}
	c.meta.Workshop, c.meta.Token, c.meta.JoinCode, c.meta.Facilitator = out.Workshop, out.FacilitatorToken, out.JoinCode, true
	if err := c.local.SaveMeta(ctx, c.meta); err != nil {
		return nil, fmt.Errorf("import: save meta: %w", err)
	}
	return c, nil
}
