package bleve

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	blevelib "github.com/blevesearch/bleve/v2"
)

// The on-disk layout of an Index: dir/CURRENT names the live generation
// ("gen-<n>\n"), dir/gen-<n> holds a Bleve index each. CURRENT is replaced by
// renaming a temporary file dir/CURRENT.tmp-*, so a crash leaves either the old
// or the new pointer, never a torn one; generations CURRENT does not name are
// leftovers and removed by Open.
const (
	currentFile = "CURRENT"
	tmpPrefix   = currentFile + ".tmp-"
	genPrefix   = "gen-"
	metaFile    = "index_meta.json" // written by Bleve into every index directory
)

// genDir returns the directory of generation gen under root.
func genDir(root string, gen int) string {
	return filepath.Join(root, genPrefix+strconv.Itoa(gen))
}

// parseGen returns the number of a generation directory name, or 0.
func parseGen(name string) int {
	s, ok := strings.CutPrefix(name, genPrefix)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || strconv.Itoa(n) != s {
		return 0
	}
	return n
}

// layout is what readLayout found in a root directory.
type layout struct {
	current int // the generation CURRENT names; 0 if there is no CURRENT
	maxGen  int // the highest generation number present or named
}

// readLayout reads the generations under root. A root that does not exist is
// empty. It refuses a root without CURRENT that holds anything but generations
// and temporary files (leftovers of an interrupted first start).
func readLayout(root string) (layout, error) {
	var l layout
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	} else if err != nil {
		return l, fmt.Errorf("bleve: %w", err)
	}
	hasCurrent, foreign := false, false
	for _, e := range entries {
		switch name := e.Name(); {
		case name == currentFile:
			hasCurrent = true
		case strings.HasPrefix(name, tmpPrefix):
		case e.IsDir() && parseGen(name) > 0:
			l.maxGen = max(l.maxGen, parseGen(name))
		default:
			foreign = true
		}
	}
	if !hasCurrent {
		if foreign {
			return l, fmt.Errorf("bleve: %s is not empty and holds no index", root)
		}
		return l, nil
	}
	b, err := os.ReadFile(filepath.Join(root, currentFile))
	if err != nil {
		return l, fmt.Errorf("bleve: %w", err)
	}
	l.current = parseGen(strings.TrimSpace(string(b)))
	if l.current == 0 {
		return l, fmt.Errorf("bleve: %s names no index generation", filepath.Join(root, currentFile))
	}
	l.maxGen = max(l.maxGen, l.current)
	return l, nil
}

// openOptions make opening fail fast instead of waiting forever for the lock that
// another process (a running platform) holds.
var openOptions = map[string]any{"bolt_timeout": "2s"}

// openGen opens the index at dir. It returns nil and no error if dir holds no
// index or one of another layout, which the caller replaces.
func openGen(dir string) (*genIndex, error) {
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err != nil {
		return nil, nil
	}
	bi, err := blevelib.OpenUsing(dir, openOptions)
	if err != nil {
		return nil, fmt.Errorf("bleve: open %s (is another process using it?): %w", dir, err)
	}
	if v, err := bi.GetInternal(mappingVersionKey); err == nil && string(v) == mappingVersion {
		g, err := withCodes(bi)
		if err != nil {
			_ = bi.Close()
			return nil, err
		}
		return g, nil
	}
	if err := bi.Close(); err != nil {
		return nil, fmt.Errorf("bleve: close outdated index %s: %w", dir, err)
	}
	return nil, nil
}

// createGen creates an empty index of the current layout at dir, replacing
// whatever dir holds.
func createGen(dir string) (*genIndex, error) {
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	bi, err := blevelib.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("bleve: create %s: %w", dir, err)
	}
	if err := bi.SetInternal(mappingVersionKey, []byte(mappingVersion)); err != nil {
		_ = bi.Close()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("bleve: %w", err)
	}
	return withCodes(bi)
}

// writeCurrent points root/CURRENT at generation gen atomically: it writes a
// temporary file, syncs it and renames it over CURRENT, then syncs root.
func writeCurrent(root string, gen int) error {
	f, err := os.CreateTemp(root, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("bleve: %w", err)
	}
	tmp := f.Name()
	_, err = f.WriteString(genPrefix + strconv.Itoa(gen) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(root, currentFile))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("bleve: switch %s: %w", filepath.Join(root, currentFile), err)
	}
	if d, err := os.Open(root); err == nil {
		_ = d.Sync() // make the rename durable where the platform supports it
		_ = d.Close()
	}
	return nil
}

// dropLegacy removes an index of the former format, which kept the index files
// directly in dir: it is a copy of the database and is rebuilt from it. It fails
// if another process has that index open.
func dropLegacy(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err != nil {
		return nil
	}
	bi, err := blevelib.OpenUsing(dir, openOptions)
	if err != nil {
		return fmt.Errorf("bleve: open %s (is another process using it?): %w", dir, err)
	}
	if err := bi.Close(); err != nil {
		return fmt.Errorf("bleve: close former index %s: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("bleve: remove former index %s: %w", dir, err)
	}
	return nil
}

// removeStale removes the generations other than the live one and temporary
// files: leftovers of a replaced index or of an interrupted rebuild. x must not be
// shared yet. Failures are ignored; the next Open tries again.
func (x *Index) removeStale() {
	entries, err := os.ReadDir(x.root)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		switch n := parseGen(name); {
		case n > 0 && n != x.gen && e.IsDir():
			_ = os.RemoveAll(filepath.Join(x.root, name))
		case strings.HasPrefix(name, tmpPrefix):
			_ = os.Remove(filepath.Join(x.root, name))
		}
	}
}
