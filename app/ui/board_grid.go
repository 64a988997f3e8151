package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
	"carnet/sync/replica"
)

const (
	zonesHeadHTML = `<header class="zones-head"><h3 class="zones-title">{0}</h3><details class="zones-legend"><summary>{zone.legend}</summary>` +
		`<p class="small">{1}</p></details></header>`
	zoneHeadHTML   = `<div class="zone-head"><h4 class="zone-title">{0} <span class="badge">{1}</span></h4><p class="hint">{2}</p></div>`
	zoneSelectHTML = `<div><label for="note-zone">{zone.pick}</label><select id="note-zone" data-f="zone">{=0}</select></div>`
	zoneOptionHTML = `<option value="{0}">{1}</option>`
)

// zonesGrid lays board b out as its named zones on its grid (one column
// on a phone, the grid from a tablet up): the card of each note goes to
// its zone; the cards of notes in no zone of b, and of photos, go to a
// last area. items and cards go together, index by index.
func zonesGrid(b *boardInfo, items []*replica.Record, cards []app.UI) app.UI {
	in := make([][]app.UI, len(b.Zones)+1) // by zone, the last for none
	for i, r := range items {
		k := len(b.Zones)
		for j := range b.Zones {
			if r.Kind == "note" && b.Zones[j].ID == r.String("zone") {
				k = j
			}
		}
		in[k] = append(in[k], cards[i])
	}
	zones := make([]app.UI, 0, len(b.Zones)+2)
	zones = append(zones, app.Raw(tpl(zonesHeadHTML, b.Title, b.Legend)))
	for i, z := range append(b.Zones[:len(b.Zones):len(b.Zones)], zoneInfo{ID: "none", Title: i18n.T("zone.none"), Color: "none", Row: -1}) {
		grid := strconv.Itoa(z.Row+2) + " / " + strconv.Itoa(z.Col+1) + " / span " + strconv.Itoa(max(1, z.RowSpan)) + " / span " + strconv.Itoa(max(1, z.ColSpan))
		if z.Row < 0 {
			if len(in[i]) == 0 {
				break
			}
			grid = "auto / 1 / auto / -1"
		}
		zones = append(zones, ecb("section", "zone-"+z.ID, "zone z-"+z.Color,
			app.Raw(tpl(zoneHeadHTML, z.Title, strconv.Itoa(len(in[i])), z.Hint)),
			ecb("div", "", "zone-notes", in[i]...),
		).Style("grid-area", grid))
	}
	return ecb("div", "zones", "zones", zones...).DataSet("board", b.ID).
		Style("grid-template-columns", "repeat("+strconv.Itoa(max(1, b.Columns))+", minmax(0, 1fr))")
}

// zoneSelect picks a zone of board b for a new note ("" for none); h
// gets its change events. The select keeps its value itself: its HTML
// never changes while the board stays, so go-app never replaces it (nor
// the focus on it).
func zoneSelect(b *boardInfo, h app.EventHandler) app.UI {
	opts := ""
	for _, z := range append([]zoneInfo{{Title: i18n.T("zone.pick.none")}}, b.Zones...) {
		opts += tpl(zoneOptionHTML, z.ID, z.Title)
	}
	return ecb("div", "", "", app.Raw(tpl(zoneSelectHTML, opts))).OnChange(h)
}
