// Package ui is the shared look of Waypost's web pages: base CSS, a little
// JavaScript, static assets served under content-hashed names, and the
// helpers for choosing the page language and translating UI strings.
//
// Pages embed their own templates and catalogs; this package holds only
// what every page shares, so the tracking page and the dashboard look and
// behave alike.
package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// Shared returns the assets of this package (base.css, ui.js) under
// prefix, e.g. "/track/static/ui/".
func Shared(prefix string) *Assets {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return NewAssets(prefix, sub)
}

// Assets serves a file system under names that carry a hash of their
// content (base.css → base.3f9a1c2e.css), so a browser may cache them
// forever: a changed file gets a new name.
type Assets struct {
	prefix string
	byName map[string]string // "base.css" → "base.3f9a1c2e.css"
	files  map[string]asset  // hashed name → content
}

type asset struct {
	body  []byte
	ctype string
	etag  string
}

// NewAssets reads every regular file of fsys (recursively) and serves them
// under prefix, which must end in "/".
func NewAssets(prefix string, fsys fs.FS) *Assets {
	a := &Assets{prefix: prefix, byName: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + h + ext
		ctype := mime.TypeByExtension(ext)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.byName[p] = hashed
		a.files[hashed] = asset{body: b, ctype: ctype, etag: `"` + h + `"`}
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("ui: read assets: %v", err)) // embedded: cannot fail at run time
	}
	return a
}

// URL returns the hashed URL of an asset; it panics for an unknown name,
// which templates hit at the first render in tests.
func (a *Assets) URL(name string) string {
	h, ok := a.byName[name]
	if !ok {
		panic(fmt.Sprintf("ui: no asset %q", name))
	}
	return a.prefix + h
}

// ServeHTTP serves one hashed asset with a year-long immutable cache. A
// request for an older hash is 404: serving new content under an old name
// would be cached forever.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, a.prefix)
	f, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(f.body)
}
