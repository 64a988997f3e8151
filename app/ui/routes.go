package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// Routes registers every page of the app. The wasm main and the server
// both call it, before app.RunWhenOnBrowser and the handler.
func Routes() {
	initLang()
	app.Route("/", func() app.Composer { return newHomePage() })
	app.Route("/join", func() app.Composer { return newJoinPage() })
	app.RouteWithRegexp(workshopPath.String(), func() app.Composer { return newWorkshopPage() })
	app.RouteWithRegexp(sessionPath.String(), func() app.Composer { return newSessionPage() })
	app.RouteWithRegexp(votePath.String(), func() app.Composer { return newVotePage() })
	app.RouteWithRegexp(devicePath.String(), func() app.Composer { return newDevicePage() })
	app.RouteWithRegexp(facil2Path.String(), func() app.Composer { return newFacil2Page() })
	app.Route("/new", func() app.Composer { return newFacilPage() })
	app.RouteWithRegexp(facilPath.String(), func() app.Composer { return newFacilPage() })
}

// langKey is where the chosen language is kept, in localStorage as plain
// text ("fr" or "en").
const langKey = "carnet.lang"

// initLang sets the language from the one chosen on this device; French
// when none (and always on the server, which pre-renders in French).
func initLang() {
	if !app.IsClient {
		return
	}
	if v := app.Window().Get("localStorage").Call("getItem", langKey); v.Type() == app.TypeString {
		i18n.Set(i18n.Lang(v.String()))
	}
}

// setLang keeps the language on the device and reloads the page so that
// every component renders in it.
func setLang(ctx app.Context, l i18n.Lang) {
	if app.IsClient {
		app.Window().Get("localStorage").Call("setItem", langKey, string(l))
	}
	i18n.Set(l)
	ctx.Reload()
}

// setPage sets the document's title and language.
func setPage(ctx app.Context, title string) {
	if title == "" {
		ctx.Page().SetTitle("Carnet")
	} else {
		ctx.Page().SetTitle("%s · Carnet", title)
	}
	ctx.Page().SetLang(string(i18n.Current()))
}
