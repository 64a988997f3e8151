package ui

import (
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"carnet/app/i18n"
)

// appBanner shows the update banner when a new version is ready, and on
// the home page the install button (where the browser offers one) or the
// iOS hint. It asks the service worker for updates when the page becomes
// visible and every half hour.
type appBanner struct {
	app.Compo

	Install bool // offer to install (home page)

	update      bool
	installable bool
	apple       bool
	standalone  bool
	iosClosed   bool
	stopVisible func()
	stop        chan struct{}
}

func newAppBanner(install bool) *appBanner { return &appBanner{Install: install} }

const updateEvery = 30 * time.Minute

func (b *appBanner) OnMount(ctx app.Context) {
	b.update = ctx.AppUpdateAvailable() && pageWasControlled()
	b.readInstall(ctx)
	var closed bool
	ctx.LocalStorage().Get("carnet.ios-hint-closed", &closed)
	b.iosClosed = closed
	doc := app.Window().Get("document")
	b.stopVisible = onWindow(doc, "visibilitychange", func() {
		if doc.Get("visibilityState").String() == "visible" {
			app.TryUpdate()
		}
	})
	b.stop = make(chan struct{})
	stop := b.stop
	ctx.Async(func() {
		for sleepOrStop(updateEvery, stop) {
			app.TryUpdate()
		}
	})
}

func (b *appBanner) OnDismount() {
	if b.stopVisible != nil {
		b.stopVisible()
		b.stopVisible = nil
	}
	if b.stop != nil {
		close(b.stop)
		b.stop = nil
	}
}

func (b *appBanner) OnAppUpdate(ctx app.Context) {
	b.update = ctx.AppUpdateAvailable() && pageWasControlled()
}

// pageWasControlled reports whether a service worker served this page. On
// a first visit it did not: go-app then reports the first worker's
// activation as an update, which it is not.
func pageWasControlled() bool {
	nav := app.Window().Get("performance").Call("getEntriesByType", "navigation")
	if nav.Length() == 0 {
		return true // unknown: trust go-app
	}
	return nav.Index(0).Get("workerStart").Float() > 0
}

func (b *appBanner) OnAppInstallChange(ctx app.Context) { b.readInstall(ctx) }

func (b *appBanner) readInstall(ctx app.Context) {
	b.standalone = isStandalone()
	b.apple = ctx.IsAppleBrowser()
	b.installable = ctx.IsAppInstallable() && !b.apple
}

func (b *appBanner) reload(ctx app.Context, e app.Event)  { ctx.Reload() }
func (b *appBanner) install(ctx app.Context, e app.Event) { ctx.ShowAppInstallPrompt() }
func (b *appBanner) closeIOS(ctx app.Context, e app.Event) {
	b.iosClosed = true
	ctx.LocalStorage().Set("carnet.ios-hint-closed", true)
}

func (b *appBanner) Render() app.UI {
	var update, install app.UI
	if b.update {
		update = ecb("div", "update-banner", "banner update",
			para("", "", i18n.T("update.ready")),
			button("update-reload", "primary", i18n.T("update.reload"), b.reload),
		).Attr("role", "status")
	}
	switch {
	case !b.Install || b.standalone:
	case b.apple && !b.iosClosed:
		install = ecb("div", "ios-hint", "banner ios",
			para("", "", i18n.T("install.ios")),
			button("ios-hint-close", "", "✕", b.closeIOS).Aria("label", i18n.T("install.ios.close")),
		)
	case b.installable:
		install = ecb("div", "install-banner", "banner",
			para("", "", i18n.T("install.pitch")),
			button("install-app", "primary", i18n.T("install.button"), b.install),
		)
	}
	return ecb("div", "", "banners", update, install)
}
