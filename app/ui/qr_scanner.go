package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// qrScanner opens a join link: by scanning a QR code with the camera where
// the browser has BarcodeDetector, else by telling the user to scan it
// with the phone's camera app (which opens the link); and always by
// pasting the link.
type qrScanner struct {
	_ noEq
	app.Compo

	supported bool
	scanning  bool
	link      string
	err       string
	stream    app.Value
	stop      chan struct{}
}

func newQRScanner() *qrScanner { return &qrScanner{} }

func (s *qrScanner) OnMount(ctx app.Context) {
	win := app.Window()
	s.supported = has(win, "BarcodeDetector") && has(navigator(), "mediaDevices") &&
		navigator().Get("mediaDevices").Get("getUserMedia").Truthy()
}

func (s *qrScanner) OnDismount() { s.stopCamera() }

func (s *qrScanner) open(ctx app.Context, raw string) bool {
	inv, ok := parseInvite(raw)
	if !ok {
		s.err = i18n.T("scan.notlink")
		return false
	}
	s.stopCamera()
	ctx.Navigate(joinPath(inv))
	return true
}

func (s *qrScanner) start(ctx app.Context, e app.Event) {
	if s.scanning {
		return
	}
	s.err = ""
	s.scanning = true
	stop := make(chan struct{})
	s.stop = stop
	ctx.Async(func() {
		constraints := map[string]any{"video": map[string]any{"facingMode": "environment"}, "audio": false}
		stream, err := await(navigator().Get("mediaDevices").Call("getUserMedia", constraints))
		if err != nil {
			dispatch(ctx, func(ctx app.Context) {
				s.scanning = false
				s.err = i18n.F("scan.nocamera", err.Error())
			})
			return
		}
		ready := make(chan app.Value, 1)
		dispatch(ctx, func(ctx app.Context) {
			select {
			case <-stop:
				stopTracks(stream)
				ready <- nil
				return
			default:
			}
			s.stream = stream
			video := app.Window().GetElementByID("scan-video")
			video.Set("srcObject", stream)
			video.Call("play")
			ready <- video
		})
		var video app.Value
		select {
		case video = <-ready:
		case <-stop: // dismounted before the dispatch ran
			stopTracks(stream)
			return
		}
		if video == nil {
			return
		}
		detector := app.Window().Get("BarcodeDetector").New(map[string]any{"formats": []any{"qr_code"}})
		failures := 0
		for sleepOrStop(300*time.Millisecond, stop) {
			if video.Get("readyState").Int() < 2 {
				continue
			}
			codes, err := await(detector.Call("detect", video))
			if err != nil {
				if failures++; failures > 20 {
					dispatch(ctx, func(ctx app.Context) {
						s.stopCamera()
						s.err = i18n.F("scan.failed", err.Error())
					})
					return
				}
				continue
			}
			for i := 0; i < codes.Length(); i++ {
				raw := codes.Index(i).Get("rawValue").String()
				if _, ok := parseInvite(raw); ok {
					dispatch(ctx, func(ctx app.Context) { s.open(ctx, raw) })
					return
				}
			}
		}
	})
}

func stopTracks(stream app.Value) {
	if stream == nil || !stream.Truthy() {
		return
	}
	tracks := stream.Call("getTracks")
	for i := 0; i < tracks.Length(); i++ {
		tracks.Index(i).Call("stop")
	}
}

func (s *qrScanner) stopCamera() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	if s.stream != nil {
		stopTracks(s.stream)
		s.stream = nil
	}
	s.scanning = false
}

func (s *qrScanner) stopClick(ctx app.Context, e app.Event) { s.stopCamera() }

func (s *qrScanner) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	s.open(ctx, s.link)
}

func (s *qrScanner) Render() app.UI {
	var scan app.UI
	switch {
	case s.scanning:
		scan = ecb("div", "", "stack",
			ec("video", "scan-video", "").Attr("muted", true).Attr("autoplay", true).Attr("playsinline", true).
				Aria("label", i18n.T("scan.video")),
			button("scan-stop", "block", i18n.T("scan.stop"), s.stopClick),
		)
	case s.supported:
		scan = button("scan-start", "primary block", "📷 "+i18n.T("scan.start"), s.start)
	default:
		scan = para("scan-hint", "", i18n.T("scan.usecamera"))
	}
	return ecb("div", "scanner", "scanner stack",
		scan,
		ecb("form", "join-link-form", "",
			field("join-link", i18n.T("scan.paste"), i18n.T("scan.paste.hint"),
				void("input").ID("join-link").Attr("type", "url").Attr("inputmode", "url").Attr("autocomplete", "off").
					Aria("describedby", "join-link-hint").OnInput(valueTo(&s.link))),
			ect("button", "join-link-open", "block mt", i18n.T("scan.open")).Attr("type", "submit"),
		).OnSubmit(s.submit),
		alert("scan-error", s.err),
	)
}
