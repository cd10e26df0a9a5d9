package app

import (
	"errors"
	"net/http"

	"github.com/waypost/waypost/web/app/csvimport"
)

// maxUpload bounds a CSV upload (about 100,000 rows of typical width).
const maxUpload = 20 << 20

type importData struct {
	Done    bool
	Error   string
	Code    string
	Result  csvimport.Result
	Columns []string
}

func (a *App) importPage(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "import", "Import", importData{Columns: csvimport.Columns})
}

// importUpload imports an uploaded file and shows the result: counts and
// every rejected row with its line and reason. The CSRF token arrives in
// the multipart form, which authed has already parsed within the limit.
func (a *App) importUpload(w http.ResponseWriter, r *http.Request) {
	v := viewerOf(r)
	d := importData{Columns: csvimport.Columns}
	file, _, err := r.FormFile("file")
	if err != nil {
		d.Error, d.Code = "Choose a CSV file to import.", "no_file"
		a.render(w, r, http.StatusBadRequest, "import", "Import", d)
		return
	}
	defer file.Close()
	res, err := csvimport.Import(r.Context(), a.st, v.User.TenantID, file, csvimport.Options{})
	var fe *csvimport.FileError
	switch {
	case errors.As(err, &fe):
		d.Error, d.Code = fe.Reason, fe.Code
		a.render(w, r, http.StatusBadRequest, "import", "Import", d)
		return
	case err != nil:
		a.log.ErrorContext(r.Context(), "import failed", "rows", res.Rows, "error", err)
		d.Error, d.Code = "The import stopped because the database failed; import the same file again to finish it.", "internal"
		d.Done, d.Result = true, res
		a.render(w, r, http.StatusInternalServerError, "import", "Import", d)
		return
	}
	a.log.InfoContext(r.Context(), "import", "tenant_id", v.User.TenantID, "rows", res.Rows, "created", res.Created,
		"added", res.Added, "unchanged", res.Unchanged, "rejected", len(res.Errors))
	d.Done, d.Result = true, res
	a.render(w, r, http.StatusOK, "import", "Import", d)
}
