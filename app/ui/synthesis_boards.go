package ui

// Zones of the boards in the synthesis, named and ordered by the board
// catalogue (facil1_catalog.go) once the device has it, else by their ids.

// zoneOrder is a zone's place on its board; unknown zones come last.
func zoneOrder(b *boardInfo, zone string) int {
	if b != nil {
		for i := range b.Zones {
			if b.Zones[i].ID == zone {
				return i
			}
		}
	}
	return 1 << 20
}

// zoneName is a zone's title on its board, else its id.
func zoneName(b *boardInfo, zone string) string {
	if b != nil {
		if z := b.zone(zone); z != nil && z.Title != "" {
			return z.Title
		}
	}
	return zone
}
