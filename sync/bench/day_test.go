package bench

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"carnet/sync/replica"
)

// gen makes a day's data from a seed: the same seed, the same day (record
// ids, participant ids and texts; the server's ids and the clocks differ).
type gen struct{ rng *rand.Rand }

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

// id returns a UUIDv7-shaped id drawn from the seed.
func (g *gen) id() string {
	r := g.rng
	return fmt.Sprintf("%08x-%04x-7%03x-%04x-%012x",
		r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, 0x8000|r.Uint32()&0x3fff, r.Uint64()&0xffffffffffff)
}

// secret returns a device secret of 24 characters.
func (g *gen) secret() string {
	b := make([]byte, 18)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// pos returns a position on a board, as the app stores it.
func (g *gen) pos() float64 { return math.Round(g.rng.Float64()*1000) / 1000 }

// What participants write on post-its in a workshop about a port's
// day-to-day work: 20 to 130 characters.
var postits = []string{
	"Ressaisie des bons de livraison dans trois logiciels différents",
	"On ne sait jamais quel quai est libre avant d'appeler la capitainerie",
	"Les photos des avaries restent sur le téléphone du docker",
	"48 h pour avoir le relevé des pesées",
	"Tableau Excel partagé par mail, jamais à jour",
	"Voir les escales de la semaine sur un seul écran",
	"Le transitaire rappelle trois fois pour le même conteneur",
	"Contrôle papier des chauffeurs au portail : 20 min d'attente",
	"Données météo récupérées à la main sur deux sites",
	"Une demi-journée par semaine gagnée pour l'agent d'escale",
	"Un QR code sur chaque remorque pour suivre son passage",
	"Personne ne sait qui valide les factures de remorquage",
	"Moins de stress en fin de mois pour la compta",
	"Les horaires des pilotes changent sans prévenir les lamaneurs",
	"Liste des navires interdits tenue par une seule personne",
	"Double saisie entre le registre papier et le logiciel de la douane",
	"Guichet : 40 minutes d'attente le lundi matin",
	"Les alertes de la vigie arrivent par SMS, sans historique",
	"Prévenir l'armateur automatiquement à l'arrivée du navire",
	"Éviter 2 à 3 pénalités de retard par mois (environ 6 000 €)",
	"Clés des hangars : cahier papier souvent illisible",
	"Courriels en anglais mal compris par l'équipe de nuit",
	"Relevé des compteurs d'eau fait deux fois",
	"Pas d'accès au planning depuis le quai",
	"Les plaisanciers contents quand la place est réservée d'avance",
	"Numéro d'escale différent chez nous et chez l'agent maritime",
	"Badge d'accès refait à chaque nouveau contrat d'intérim",
	"Savoir en temps réel où sont les grues mobiles",
	"Le bon de commande part par fax (oui, encore)",
	"Déclaration des déchets : formulaire Cerfa rempli à la main",
	"Historique des escales perdu quand un collègue part",
	"Échanger avec la douane sur une messagerie commune",
	"Trop de réunions pour décider qui range le terre-plein",
	"Les chiffres de trafic arrivent 3 mois après",
	"Météo, marée et planning des quais sur le même écran",
	"Chaque service a sa propre liste de contacts des navires",
	"Le logiciel de facturation plante quand le navire change de nom",
	"Un seul référent pour les demandes d'occupation du domaine public",
	"Fierté de l'équipe quand l'escale se passe sans accroc",
	"Capteurs sur les bollards pour connaître les efforts d'amarrage",
	"Le planning des grutiers est refait chaque soir au téléphone",
	"Les certificats sanitaires arrivent en PDF scanné de travers",
	"Qui prévient les pompiers quand un navire citerne arrive ?",
	"Mesurer le temps réel d'attente en rade",
	"Trois badges différents pour entrer sur le terminal",
	"Les relevés de tirant d'eau sont notés sur un carnet à spirale",
	"Un tableau de bord partagé avec la ville pour les croisiéristes",
	"Les bus des croisiéristes bloquent la sortie des camions",
	"Commander le lamanage en ligne plutôt que par VHF",
	"Les factures de stationnement des remorques se perdent",
	"Aucune trace des consignes passées entre deux équipes",
	"Alerte automatique quand un conteneur reste plus de 10 jours",
	"Le stock de défenses et d'aussières est compté à la main",
	"Gagner une heure par escale sur le contrôle des passagers",
	"Le site web affiche encore les horaires de l'an dernier",
	"On imprime les mails pour les classer dans un classeur",
	"Les pêcheurs ne savent pas quand la criée ouvre",
	"Partager la position des navires avec les transitaires",
	"Réduire les allers-retours à la capitainerie pour signer",
	"Fichier des amarrages saisonniers : 4 versions en circulation",
}

var asides = []string{
	"", "", "", "", "", " !", " : à vérifier", " (vu avec la capitainerie)", " — surtout l'été",
	" (idem au port de commerce)", ", c'est le cas depuis 2019", " selon l'équipe de nuit", " ?",
	" : ça coûte cher", ", voir avec la DSI", " (remonté plusieurs fois)", ", pas que chez nous",
}

// text returns a post-it's text: one thought, sometimes two.
func (g *gen) text() string {
	t := g.pick(postits) + g.pick(asides)
	if g.rng.IntN(4) == 0 {
		t += ". " + g.pick(postits)
	}
	return t
}

// Colours as a room uses them: many irritants and wishes.
var colors = []string{"problem", "problem", "problem", "wish", "wish", "current", "current", "data", "value", "smile", "idea", "idea"}

var captions = []string{"Tableau du groupe", "Paperboard des irritants", "Le quai nord", "Post-its du matin", "Carte des flux", ""}

// The photos: noisy images encoded with image/jpeg, so that they do not
// compress (as a phone's photo), about 300 KB each. Made once; each phone
// sends its own copies (see photoFor).
const photosADay = 10

var basePhotos = sync.OnceValue(func() [][]byte {
	rng := rand.New(rand.NewPCG(42, 43))
	out := make([][]byte, photosADay)
	for i := range out {
		w := 660 + 8*i // 4:3, about 270 to 330 KB
		img := image.NewYCbCr(image.Rect(0, 0, w, w*3/4), image.YCbCrSubsampleRatio420)
		for j := range img.Y {
			img.Y[j] = uint8(rng.IntN(256))
		}
		for j := range img.Cb {
			img.Cb[j], img.Cr[j] = uint8(96+rng.IntN(64)), uint8(96+rng.IntN(64))
		}
		var b bytes.Buffer
		if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
		out[i] = b.Bytes()
	}
	return out
})

// photoFor returns photo i with a JPEG comment naming tag: the same image,
// other bytes, so another phone's copy is another blob.
func photoFor(i int, tag string) (data []byte, width, height int) {
	base := basePhotos()[i]
	com := []byte("carnet bench " + tag)
	out := make([]byte, 0, len(base)+len(com)+4)
	out = append(out, base[:2]...) // SOI
	out = append(out, 0xFF, 0xFE, byte((len(com)+2)>>8), byte(len(com)+2))
	out = append(out, com...)
	out = append(out, base[2:]...)
	w := 660 + 8*i
	return out, w, w * 3 / 4
}

// Changes of a phone's day: 100 notes, 30 edits of them (text, place,
// colour), 10 deletes and 10 votes; with 10 photos.
const (
	notesADay   = 100
	changesADay = 150
)

// day writes a phone's day offline and returns the photo bytes written.
// tag makes the phone's photos its own.
func (w *workshop) day(tb testing.TB, g *gen, p *phone, tag string) int64 {
	tb.Helper()
	ctx := context.Background()
	write := func(ch replica.Change) {
		if _, err := p.c.Write(ctx, ch); err != nil {
			tb.Fatalf("%s: Write(%s %v) = %v", p.name, ch.Kind, ch.Fields, err)
		}
	}
	group := g.pick(w.groups)
	taken := time.Date(2025, 11, 28, 9, 0, 0, 0, time.UTC)
	var notes []string
	deleted := map[string]bool{}
	var photoBytes int64
	for i := range notesADay {
		session := w.sessions[min(1+i*3/notesADay, len(w.sessions)-1)]
		id := g.id()
		notes = append(notes, id)
		write(replica.Change{Record: id, Kind: "note", Fields: fields(
			"session", session, "group", group, "text", g.text(), "color", g.pick(colors),
			"author", p.who, "x", g.pos(), "y", g.pos())})
		if i%10 != 9 {
			continue
		}
		// Ten notes on: someone rewrites one, moves one, recolours or
		// rewrites another, throws one away, and takes a photo.
		live := func() string {
			for {
				if n := notes[g.rng.IntN(len(notes))]; !deleted[n] {
					return n
				}
			}
		}
		write(replica.Change{Record: live(), Kind: "note", Fields: fields("text", g.text())})
		write(replica.Change{Record: live(), Kind: "note", Fields: fields("x", g.pos(), "y", g.pos())})
		if i%20 == 9 {
			write(replica.Change{Record: live(), Kind: "note", Fields: fields("color", g.pick(colors))})
		} else {
			write(replica.Change{Record: live(), Kind: "note", Fields: fields("text", g.text())})
		}
		gone := live()
		deleted[gone] = true
		write(replica.Change{Record: gone, Kind: "note", Fields: fields("deleted", true)})

		k := i / 10
		data, pw, ph := photoFor(k, fmt.Sprintf("%s photo %d", tag, k))
		taken = taken.Add(37 * time.Minute)
		if _, err := p.c.WritePhoto(ctx, data, replica.Change{Record: g.id(), Kind: "photo", Fields: fields(
			"session", session, "group", group, "mime", "image/jpeg", "width", pw, "height", ph,
			"caption", g.pick(captions), "author", p.who, "taken", taken.UnixMilli())}); err != nil {
			tb.Fatalf("%s: WritePhoto() = %v", p.name, err)
		}
		photoBytes += int64(len(data))
	}
	for _, ballot := range w.ballots {
		for slot := range ballotBudget {
			target := notes[g.rng.IntN(len(notes))]
			write(replica.Change{Record: replica.VoteID(ballot, p.who, slot), Kind: "vote", Fields: fields(
				"ballot", ballot, "voter", p.who, "slot", slot, "target", target)})
		}
	}
	if n := len(p.outbox(tb)); n != changesADay+photosADay {
		tb.Fatalf("%s: %d changes in the outbox, want %d", p.name, n, changesADay+photosADay)
	}
	return photoBytes
}
