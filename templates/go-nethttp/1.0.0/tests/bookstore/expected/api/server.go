package api

// The HTTP server: Go 1.22 method and path patterns on the standard library's ServeMux.

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"time"
)

// Server answers the operations of Bookstore; every other request gets the spec's error shape.
type Server struct {
	store  *Store
	tokens []string
	mux    *http.ServeMux
}

func NewServer(store *Store, tokens []string) *Server {
	s := &Server{store: store, tokens: tokens, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /books", s.handleListBooks)
	s.mux.HandleFunc("POST /books", s.handleCreateBook)
	s.mux.HandleFunc("GET /books/{key}", s.handleGetBook)
	s.mux.HandleFunc("PUT /books/{key}", s.handleReplaceBook)
	s.mux.HandleFunc("DELETE /books/{key}", s.handleDeleteBook)
	s.mux.HandleFunc("GET /authors", s.handleListAuthors)
	s.mux.HandleFunc("POST /authors", s.handleCreateAuthor)
	s.mux.HandleFunc("GET /authors/{key}", s.handleGetAuthor)
	return s
}

// NewHTTPServer serves a new Server with empty storage on $PORT (default 8000).
func NewHTTPServer(getenv func(string) string) *http.Server {
	port := getenv("PORT")
	if port == "" {
		port = "8000"
	}
	handler := NewServer(NewStore(), tokensFrom(getenv(AuthEnv)))
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

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
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

func valueOr(value *int64, fallback int64) int64 {
	if value == nil {
		return fallback
	}
	return *value
}
