package api

// Routes of /shelves/{shelfId}/books: listShelfBooks, createShelfBook, getShelfBook, deleteShelfBook.

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// requireBooksParent is the key of the shelfId in the path; it answers 404 itself when no such one is stored.
func (s *Server) requireBooksParent(w http.ResponseWriter, r *http.Request) (string, bool) {
	key := intKey(r.PathValue("parent"))
	if _, found := s.store.Shelves.Get(key); !found {
		notFound(w, "shelfId", r.PathValue("parent"))
		return "", false
	}
	return key, true
}

// handleListShelfBooks: GET /shelves/{shelfId}/books (listShelfBooks).
func (s *Server) handleListShelfBooks(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	parent, ok := s.requireBooksParent(w, r)
	if !ok {
		return
	}
	query := r.URL.Query()
	qLanguage, err1 := queryString(query, "language", rule{enum: []string{"en", "fr", "de"}})
	if err := errors.Join(err1); err != nil {
		writeInvalid(w, err)
		return
	}
	items := s.store.Books.List()
	items = filter(items, func(item Book) bool { return strconv.FormatInt(item.ShelfID, 10) == parent })
	if qLanguage != nil {
		items = filter(items, func(item Book) bool { return item.Language == *qLanguage })
	}
	writeJSON(w, 200, items)
}

// handleCreateShelfBook: POST /shelves/{shelfId}/books (createShelfBook).
func (s *Server) handleCreateShelfBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	parent, ok := s.requireBooksParent(w, r)
	if !ok {
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeBookInput(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Book
	id := s.store.Books.NextID()
	key := strconv.FormatInt(id, 10)
	item.ID = id
	item.ShelfID, _ = strconv.ParseInt(parent, 10, 64)
	item.Title = body.Title
	item.Language = body.Language
	item.Pages = body.Pages
	item.AddedAt = time.Now().UTC().Format(time.RFC3339)
	s.store.Books.Put(key, item)
	writeJSON(w, 201, item)
}

// handleGetShelfBook: GET /shelves/{shelfId}/books/{bookId} (getShelfBook).
func (s *Server) handleGetShelfBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	parent, ok := s.requireBooksParent(w, r)
	if !ok {
		return
	}
	key := intKey(r.PathValue("key"))
	current, found := s.store.Books.Get(key)
	if !found || strconv.FormatInt(current.ShelfID, 10) != parent {
		notFound(w, "book", r.PathValue("key"))
		return
	}
	writeJSON(w, 200, current)
}

// handleDeleteShelfBook: DELETE /shelves/{shelfId}/books/{bookId} (deleteShelfBook).
func (s *Server) handleDeleteShelfBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	parent, ok := s.requireBooksParent(w, r)
	if !ok {
		return
	}
	key := intKey(r.PathValue("key"))
	current, found := s.store.Books.Get(key)
	if !found || strconv.FormatInt(current.ShelfID, 10) != parent {
		notFound(w, "book", r.PathValue("key"))
		return
	}
	s.store.Books.Delete(key)
	w.WriteHeader(204)
}
