// Package shape holds a test of the code's shape: no non-test Go file over
// maxFileLines lines and no function over maxFuncLines, so that the code
// stays small enough to read in one sitting; and no regexp compiled at
// package level in the program, which every run would pay for at start-up
// (a cache hit must stay cheap).
package shape

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	maxFileLines = 300
	maxFuncLines = 60
)

func TestShape(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if n := strings.Count(string(src), "\n"); n > maxFileLines {
			t.Errorf("%s has %d lines, more than %d: split it by what it holds", rel, n, maxFileLines)
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(rel, "internal"+string(filepath.Separator)) {
			checkPackageRegexps(t, fset, rel, f)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var name string
			var body *ast.BlockStmt
			switch fn := n.(type) {
			case *ast.FuncDecl:
				name, body = fn.Name.Name, fn.Body
			case *ast.FuncLit:
				name, body = "a function literal", fn.Body
			default:
				return true
			}
			if body == nil {
				return true
			}
			start, end := fset.Position(body.Lbrace).Line, fset.Position(body.Rbrace).Line
			if lines := end - start - 1; lines > maxFuncLines {
				t.Errorf("%s:%d: %s has %d lines, more than %d", rel, start, name, lines, maxFuncLines)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkPackageRegexps fails for a package-level variable initialised with
// regexp.MustCompile or regexp.Compile.
func checkPackageRegexps(t *testing.T, fset *token.FileSet, rel string, f *ast.File) {
	t.Helper()
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				call, ok := v.(*ast.CallExpr)
				if !ok {
					continue
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "regexp" && (sel.Sel.Name == "MustCompile" || sel.Sel.Name == "Compile") {
						t.Errorf("%s:%d: a regexp compiled at package level costs every run at start-up: check by hand, or compile it when first used (sync.OnceValue)", rel, fset.Position(call.Pos()).Line)
					}
				}
			}
		}
	}
}
