package api

// The HTTP server: Go 1.22 method and path patterns on the standard library's ServeMux.

import (
	"net/http"
	"strconv"
	"time"
)

// Server answers the operations of Swagger Petstore; every other request gets the spec's error shape.
type Server struct {
	store *Store
	mux   *http.ServeMux
}

func NewServer(store *Store) *Server {
	s := &Server{store: store, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /pets", s.handleFindPets)
	s.mux.HandleFunc("POST /pets", s.handleAddPet)
	s.mux.HandleFunc("GET /pets/{key}", s.handleFindPetByID)
	s.mux.HandleFunc("DELETE /pets/{key}", s.handleDeletePet)
	return s
}

// NewHTTPServer serves a new Server with empty storage on $PORT (default 8000).
func NewHTTPServer(getenv func(string) string) *http.Server {
	port := getenv("PORT")
	if port == "" {
		port = "8000"
	}
	handler := NewServer(NewStore())
	return &http.Server{Addr: ":" + port, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.unrouted(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// unrouted answers a request no operation takes: 405 (with Allow) where the path has other methods, else 404.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	handler, _ := s.mux.Handler(r)
	answer := &probe{header: http.Header{}}
	handler.ServeHTTP(answer, r)
	if answer.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", answer.header.Get("Allow"))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method Not Allowed")
		return
	}
	writeError(w, http.StatusNotFound, "not_found", "Not Found")
}

// probe records what the mux would answer, to answer it in the spec's shape instead.
type probe struct {
	header http.Header
	status int
}

func (p *probe) Header() http.Header { return p.header }

func (p *probe) Write(data []byte) (int, error) { return len(data), nil }

func (p *probe) WriteHeader(status int) { p.status = status }

// intKey is the storage key of an integer id in a path; "" (stored under no key) when it is none.
func intKey(text string) string {
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

func filter[T any](items []T, keep func(T) bool) []T {
	out := make([]T, 0, len(items))
	for _, item := range items {
		if keep(item) {
			out = append(out, item)
		}
	}
	return out
}

// window is items[start:start+size], clamped to the items there are; size < 0 means all from start.
func window[T any](items []T, start, size int64) []T {
	start = min(max(start, 0), int64(len(items)))
	end := int64(len(items))
	if size >= 0 {
		end = min(start+size, end)
	}
	return items[start:end]
}
