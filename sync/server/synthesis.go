package server

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"

	"carnet/sync/replica"
)

// synthesis is what the human exports (csv, md, html) show of a workshop:
// its agenda, the notes by session and group, the threads with their
// votes, the ballots and the photos. Authors appear only where the
// workshop's show_authors allows.
type synthesis struct {
	ID          string
	Title       string
	Place       string
	Dates       string
	Rules       []string
	ShowAuthors bool
	L           labels
	Sessions    []*synSession
	Threads     []*synThread
	Ballots     []*synBallot
	notes       []*synNote
	photos      []*synPhoto
	files       map[string]string // photo blob -> file in the zip
	Photos      bool              // link photo files (zip)
}

type synSession struct {
	Title, Type, Format, Instructions string
	Minutes                           int64
	Groups                            []*synGroup
}

type synGroup struct {
	id     string
	Name   string
	Notes  []*synNote
	Photos []*synPhoto
}

type synNote struct {
	id                                 string
	Session, Group, Color, Label, Text string
	Author, Thread                     string
	Votes                              int
	colorRank                          int
}

type synThread struct {
	Title, Body string
	Selected    bool
	Votes       int
	Notes       []*synNote
	position    float64
}

type synBallot struct {
	Title   string
	Open    bool
	Results []synResult
}

type synResult struct {
	Target string
	Votes  int
}

type synPhoto struct {
	Blob, Caption, Author string
	File                  string
}

// labels are the words of the exports, in the workshop's language.
type labels struct {
	Sessions, Threads, Ballots, Photos, Rules, NoGroup, NoSession, Votes, Open, Closed, Selected, Minutes, By string
	Colors                                                                                                    map[string]string
}

var labelsFR = labels{
	Sessions: "Séances", Threads: "Fils", Ballots: "Votes", Photos: "Photos", Rules: "Règles",
	NoGroup: "Sans groupe", NoSession: "Hors séance", Votes: "votes", Open: "ouvert", Closed: "clos",
	Selected: "retenu", Minutes: "min", By: "par",
	Colors: map[string]string{
		replica.ColorCurrent: "Existant", replica.ColorData: "Données", replica.ColorProblem: "Irritant",
		replica.ColorWish: "Souhait", replica.ColorValue: "Valeur €", replica.ColorSmile: "Valeur qualitative",
		replica.ColorIdea: "Idée",
	},
}

var labelsEN = labels{
	Sessions: "Sessions", Threads: "Threads", Ballots: "Ballots", Photos: "Photos", Rules: "Rules",
	NoGroup: "No group", NoSession: "Outside sessions", Votes: "votes", Open: "open", Closed: "closed",
	Selected: "selected", Minutes: "min", By: "by",
	Colors: map[string]string{
		replica.ColorCurrent: "Current", replica.ColorData: "Data", replica.ColorProblem: "Problem",
		replica.ColorWish: "Wish", replica.ColorValue: "Value €", replica.ColorSmile: "Qualitative value",
		replica.ColorIdea: "Idea",
	},
}

// newSynthesis builds the synthesis of a workshop's merged state.
func newSynthesis(id string, st *replica.State) *synthesis {
	w := st.Record(id)
	s := &synthesis{
		ID:          id,
		Title:       w.String("title"),
		Place:       w.String("place"),
		Rules:       w.Strings("rules"),
		ShowAuthors: w.Bool("show_authors"),
		L:           labelsFR,
		files:       map[string]string{},
	}
	if strings.HasPrefix(strings.ToLower(w.String("locale")), "en") {
		s.L = labelsEN
	}
	if a, b := w.String("starts"), w.String("ends"); a != "" || b != "" {
		s.Dates = strings.Trim(a+" – "+b, " –")
		if a == b {
			s.Dates = a
		}
	}
	live := func(id, kind string) *replica.Record {
		r := st.Record(id)
		if r == nil || r.Kind != kind || r.Deleted() {
			return nil
		}
		return r
	}
	author := func(id string) string {
		if !s.ShowAuthors {
			return ""
		}
		return live(id, "participant").String("name")
	}
	title := func(id, kind, field string) string { return live(id, kind).String(field) }

	// Votes: a live sticker counts for its target, slots within budget.
	votes := map[string]int{}
	for _, b := range st.Of("ballot") {
		sb := &synBallot{Title: b.String("title"), Open: b.Bool("open")}
		for target, n := range replica.Tally(st, b.ID) {
			votes[target] += n
			name := title(target, "thread", "title")
			if name == "" {
				name = live(target, "note").String("text")
			}
			if name == "" {
				continue // a target since deleted
			}
			sb.Results = append(sb.Results, synResult{Target: name, Votes: n})
		}
		sort.Slice(sb.Results, func(i, j int) bool {
			if sb.Results[i].Votes != sb.Results[j].Votes {
				return sb.Results[i].Votes > sb.Results[j].Votes
			}
			return sb.Results[i].Target < sb.Results[j].Target
		})
		s.Ballots = append(s.Ballots, sb)
	}

	colorRank := map[string]int{}
	for i, c := range replica.Colors {
		colorRank[c] = i
	}
	threads := map[string]*synThread{}
	for _, t := range st.Of("thread") {
		th := &synThread{Title: t.String("title"), Body: t.String("body"), Selected: t.Bool("selected"), Votes: votes[t.ID], position: t.Float("position")}
		threads[t.ID] = th
		s.Threads = append(s.Threads, th)
	}

	sessions := map[string]*synSession{}
	for _, r := range st.Of("session") {
		ss := &synSession{Title: r.String("title"), Type: r.String("type"), Format: r.String("format"),
			Instructions: r.String("instructions"), Minutes: r.Int("minutes", 0)}
		sessions[r.ID] = ss
		s.Sessions = append(s.Sessions, ss)
	}
	groupOrder := map[string]int{}
	for i, g := range st.Of("group") {
		groupOrder[g.ID] = i + 1
	}
	type place struct{ session, group string }
	groups := map[place]*synGroup{}
	var outside *synSession
	groupOf := func(session, group string) *synGroup {
		if sessions[session] == nil {
			session = ""
		}
		if groupOrder[group] == 0 {
			group = ""
		}
		k := place{session, group}
		if g := groups[k]; g != nil {
			return g
		}
		g := &synGroup{id: group, Name: title(group, "group", "name")}
		if group == "" {
			g.Name = s.L.NoGroup
		}
		groups[k] = g
		ss := sessions[session]
		if ss == nil {
			if outside == nil {
				outside = &synSession{Title: s.L.NoSession}
			}
			ss = outside
		}
		ss.Groups = append(ss.Groups, g)
		return g
	}

	for _, r := range st.Of("note") {
		n := &synNote{
			id:        r.ID,
			Session:   title(r.String("session"), "session", "title"),
			Group:     title(r.String("group"), "group", "name"),
			Color:     r.String("color"),
			Label:     s.L.Colors[r.String("color")],
			Text:      r.String("text"),
			Author:    author(r.String("author")),
			Thread:    title(r.String("thread"), "thread", "title"),
			Votes:     votes[r.ID],
			colorRank: colorRank[r.String("color")],
		}
		s.notes = append(s.notes, n)
		g := groupOf(r.String("session"), r.String("group"))
		g.Notes = append(g.Notes, n)
		if th := threads[r.String("thread")]; th != nil {
			th.Notes = append(th.Notes, n)
		}
	}
	for _, r := range st.Of("photo") {
		if r.String("blob") == "" {
			continue
		}
		p := &synPhoto{Blob: r.String("blob"), Caption: r.String("caption"), Author: author(r.String("author"))}
		s.photos = append(s.photos, p)
		g := groupOf(r.String("session"), r.String("group"))
		g.Photos = append(g.Photos, p)
	}
	if outside != nil {
		s.Sessions = append(s.Sessions, outside)
	}

	byNote := func(l []*synNote) {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].colorRank != l[j].colorRank {
				return l[i].colorRank < l[j].colorRank
			}
			return l[i].id < l[j].id
		})
	}
	// Groups in their order; notes by colour, then in the order written
	// (record ids are time-ordered UUIDv7).
	for _, ss := range s.Sessions {
		rank := func(g *synGroup) int {
			if g.id == "" {
				return 1 << 30 // "no group" last
			}
			return groupOrder[g.id]
		}
		sort.SliceStable(ss.Groups, func(i, j int) bool { return rank(ss.Groups[i]) < rank(ss.Groups[j]) })
		for _, g := range ss.Groups {
			byNote(g.Notes)
		}
	}
	sort.SliceStable(s.notes, func(i, j int) bool { return s.notes[i].id < s.notes[j].id })
	for _, th := range s.Threads {
		byNote(th.Notes)
	}
	sort.SliceStable(s.Threads, func(i, j int) bool {
		if s.Threads[i].Votes != s.Threads[j].Votes {
			return s.Threads[i].Votes > s.Threads[j].Votes
		}
		return s.Threads[i].position < s.Threads[j].position
	})
	return s
}

// writeCSV writes one row a live note: session, group, colour, text,
// author (where shown), thread, votes. Cells a spreadsheet would take for a
// formula are prefixed with an apostrophe.
func (s *synthesis) writeCSV(w io.Writer) error {
	io.WriteString(w, "\uFEFF") // spreadsheets read UTF-8 by this mark
	c := csv.NewWriter(w)
	c.Write([]string{"session", "group", "colour", "text", "author", "thread", "votes"})
	for _, n := range s.notes {
		c.Write([]string{cell(n.Session), cell(n.Group), n.Color, cell(n.Text), cell(n.Author), cell(n.Thread), strconv.Itoa(n.Votes)})
	}
	c.Flush()
	return c.Error()
}

// cell defuses spreadsheet formulas (CSV injection).
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// writeMarkdown writes the synthesis as Markdown, every user text escaped
// so that it reads as the words written and never as markup or HTML.
func (s *synthesis) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	title := s.Title
	if title == "" {
		title = "Carnet"
	}
	p("# %s\n\n", md(title, ""))
	if meta := joinNonEmpty(" · ", s.Place, s.Dates); meta != "" {
		p("%s\n\n", md(meta, ""))
	}
	if len(s.Rules) > 0 {
		p("## %s\n\n", s.L.Rules)
		for _, r := range s.Rules {
			p("- %s\n", md(r, "  "))
		}
		p("\n")
	}
	if len(s.Sessions) > 0 {
		p("## %s\n\n", s.L.Sessions)
	}
	for i, ss := range s.Sessions {
		p("### %d. %s", i+1, md(ss.Title, ""))
		if ss.Minutes > 0 {
			p(" (%d %s)", ss.Minutes, s.L.Minutes)
		}
		p("\n\n")
		if ss.Instructions != "" {
			p("%s\n\n", md(ss.Instructions, ""))
		}
		for _, g := range ss.Groups {
			p("#### %s\n\n", md(g.Name, ""))
			for _, n := range g.Notes {
				p("- **%s**: %s", md(n.Label, ""), md(n.Text, "  "))
				if n.Author != "" {
					p(" — %s %s", s.L.By, md(n.Author, "  "))
				}
				if n.Votes > 0 {
					p(" (%d %s)", n.Votes, s.L.Votes)
				}
				p("\n")
			}
			for _, ph := range g.Photos {
				caption := ph.Caption
				if caption == "" {
					caption = s.L.Photos
				}
				if f := s.files[ph.Blob]; f != "" {
					p("- ![%s](%s)\n", md(caption, "  "), f)
				} else {
					p("- %s: %s\n", s.L.Photos, md(caption, "  "))
				}
			}
			p("\n")
		}
	}
	if len(s.Threads) > 0 {
		p("## %s\n\n", s.L.Threads)
		for i, th := range s.Threads {
			p("%d. **%s** — %d %s", i+1, md(th.Title, "   "), th.Votes, s.L.Votes)
			if th.Selected {
				p(" (%s)", s.L.Selected)
			}
			p("\n")
			if th.Body != "" {
				p("   %s\n", md(th.Body, "   "))
			}
			for _, n := range th.Notes {
				p("   - %s\n", md(n.Text, "     "))
			}
		}
		p("\n")
	}
	if len(s.Ballots) > 0 {
		p("## %s\n\n", s.L.Ballots)
		for _, bl := range s.Ballots {
			state := s.L.Closed
			if bl.Open {
				state = s.L.Open
			}
			p("### %s (%s)\n\n", md(bl.Title, ""), state)
			for _, r := range bl.Results {
				p("- %s: %d\n", md(r.Target, "  "), r.Votes)
			}
			p("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// md escapes user text for Markdown: characters that open markup are
// backslash-escaped (< and & included, so no HTML passes), a line that would
// start a list, heading or rule has its first character escaped, and each
// new line continues the paragraph with a hard break and indent.
func md(s, indent string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		line = strings.TrimLeft(line, " \t")
		var b strings.Builder
		for j, c := range line {
			if strings.ContainsRune("\\`*_[]<>#|~&!{}", c) || j == 0 && strings.ContainsRune("+-=:", c) {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
		}
		line = b.String()
		// "1. " or "1) " at the start would open an ordered list.
		if k := strings.IndexFunc(line, func(r rune) bool { return r < '0' || r > '9' }); k > 0 && (line[k] == '.' || line[k] == ')') {
			line = line[:k] + "\\" + line[k:]
		}
		lines[i] = line
	}
	return strings.Join(lines, "  \n"+indent)
}

// writeHTML writes the synthesis as one HTML page, every user text
// escaped by html/template. withFiles links the photos of a zip export.
func (s *synthesis) writeHTML(w io.Writer, withFiles bool) error {
	s.Photos = withFiles
	return synthesisPage.Execute(w, s)
}

var synthesisPage = template.Must(template.New("synthesis").Funcs(template.FuncMap{
	"add1": func(i int) int { return i + 1 },
	"file": func(s *synthesis, blob string) string { return s.files[blob] },
}).Parse(`<!doctype html>
<html lang="{{if eq .L.By "by"}}en{{else}}fr{{end}}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{if .Title}}{{.Title}}{{else}}Carnet{{end}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.45;color:#222}
.note{white-space:pre-wrap}.c{display:inline-block;min-width:8em;font-weight:600}
.c-current{color:#555}.c-data{color:#1565c0}.c-problem{color:#c62828}.c-wish{color:#2e7d32}.c-value{color:#ef6c00}.c-smile{color:#6a1b9a}.c-idea{color:#00838f}
img{max-width:100%;height:auto}figure{margin:1em 0}.v{color:#555}
@media print{body{max-width:none}}
</style></head><body>
<h1>{{if .Title}}{{.Title}}{{else}}Carnet{{end}}</h1>
{{if or .Place .Dates}}<p>{{.Place}}{{if and .Place .Dates}} · {{end}}{{.Dates}}</p>{{end}}
{{if .Rules}}<h2>{{.L.Rules}}</h2><ul>{{range .Rules}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Sessions}}<h2>{{.L.Sessions}}</h2>{{end}}
{{$s := .}}{{range $i, $ss := .Sessions}}
<section><h3>{{add1 $i}}. {{$ss.Title}}{{if $ss.Minutes}} ({{$ss.Minutes}} {{$s.L.Minutes}}){{end}}</h3>
{{if $ss.Instructions}}<p class="note">{{$ss.Instructions}}</p>{{end}}
{{range $ss.Groups}}<h4>{{.Name}}</h4>
{{if .Notes}}<ul>{{range .Notes}}<li><span class="c c-{{.Color}}">{{.Label}}</span> <span class="note">{{.Text}}</span>{{if .Author}} — {{$s.L.By}} {{.Author}}{{end}}{{if .Votes}} <span class="v">({{.Votes}} {{$s.L.Votes}})</span>{{end}}</li>{{end}}</ul>{{end}}
{{range .Photos}}{{$f := file $s .Blob}}<figure>{{if and $s.Photos $f}}<img src="{{$f}}" alt="{{.Caption}}">{{end}}<figcaption>{{if .Caption}}{{.Caption}}{{else}}{{$s.L.Photos}}{{end}}{{if .Author}} — {{.Author}}{{end}}</figcaption></figure>{{end}}
{{end}}</section>{{end}}
{{if .Threads}}<h2>{{.L.Threads}}</h2><ol>{{range .Threads}}
<li><strong>{{.Title}}</strong> — {{.Votes}} {{$s.L.Votes}}{{if .Selected}} ({{$s.L.Selected}}){{end}}
{{if .Body}}<p class="note">{{.Body}}</p>{{end}}
{{if .Notes}}<ul>{{range .Notes}}<li class="note">{{.Text}}</li>{{end}}</ul>{{end}}</li>{{end}}</ol>{{end}}
{{if .Ballots}}<h2>{{.L.Ballots}}</h2>{{range .Ballots}}<h3>{{.Title}} ({{if .Open}}{{$s.L.Open}}{{else}}{{$s.L.Closed}}{{end}})</h3>
<ul>{{range .Results}}<li>{{.Target}}: {{.Votes}}</li>{{end}}</ul>{{end}}{{end}}
</body></html>
`))
