package frontend

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// asset is an embedded static file with its content type and content hash.
type asset struct {
	body        []byte
	contentType string
	hash        string // first 16 hex digits of the SHA-256 of body
}

// Cache lifetimes: a versioned URL never changes; an unversioned one may.
const (
	cacheImmutable = "public, max-age=31536000, immutable"
	cacheShort     = "public, max-age=300"
)

// contentTypes fixes the types of the files we ship, whatever the system's MIME
// tables say.
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".txt":         "text/plain; charset=utf-8",
	".png":         "image/png",
	".ico":         "image/x-icon",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
}

// loadAssets reads every file under static/ into memory.
func loadAssets() (map[string]asset, error) {
	assets := map[string]asset{}
	root := mustSub(staticFS, "static")
	err := fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ct := contentTypes[path.Ext(name)]
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		if strings.HasPrefix(ct, "text/") && !strings.Contains(ct, "charset") {
			ct += "; charset=utf-8"
		}
		assets[name] = asset{body: body, contentType: ct, hash: hex.EncodeToString(sum[:8])}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("frontend: load static assets: %w", err)
	}
	return assets, nil
}

// assetURL returns the versioned URL of the static file name; it is the template
// function "asset" and fails for unknown names.
func (f *Frontend) assetURL(name string) (string, error) {
	a, ok := f.assets[name]
	if !ok {
		return "", fmt.Errorf("frontend: unknown asset %q", name)
	}
	return "/static/" + name + "?v=" + a.hash, nil
}

// serveStatic serves an embedded asset. A request carrying the current content
// hash as ?v= may be cached for a year; others for a few minutes.
func (f *Frontend) serveStatic(c *fiber.Ctx) error {
	a, ok := f.assets[c.Params("*")]
	if !ok {
		return fiber.ErrNotFound
	}
	etag := `"` + a.hash + `"`
	c.Set(fiber.HeaderETag, etag)
	if c.Query("v") == a.hash {
		c.Set(fiber.HeaderCacheControl, cacheImmutable)
	} else {
		c.Set(fiber.HeaderCacheControl, cacheShort)
	}
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	return c.Send(a.body)
}

// etagMatches reports whether an If-None-Match header matches etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}
