package api

// Routes of /authors: listAuthors, createAuthor, getAuthor.

import (
	"net/http"
	"strings"
)

// handleListAuthors: GET /authors (listAuthors).
func (s *Server) handleListAuthors(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	items := s.store.Authors.List()
	writeJSON(w, 200, items)
}

// handleCreateAuthor: POST /authors (createAuthor).
func (s *Server) handleCreateAuthor(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeNewAuthor(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Author
	key := newUUID()
	item.ID = key
	item.Name = body.Name
	item.Email = body.Email
	item.Born = body.Born
	s.store.Authors.Put(key, item)
	writeJSON(w, 201, item)
}

// handleGetAuthor: GET /authors/{authorId} (getAuthor).
func (s *Server) handleGetAuthor(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := strings.ToLower(r.PathValue("key"))
	current, found := s.store.Authors.Get(key)
	if !found {
		notFound(w, "author", r.PathValue("key"))
		return
	}
	writeJSON(w, 200, current)
}
