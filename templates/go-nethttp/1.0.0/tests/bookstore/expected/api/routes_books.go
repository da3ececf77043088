package api

// Routes of /books: listBooks, createBook, getBook, replaceBook, deleteBook.

import (
	"errors"
	"net/http"
	"strings"
	"time"
)

// handleListBooks: GET /books (listBooks): List books, newest first.
func (s *Server) handleListBooks(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	query := r.URL.Query()
	qLimit, err1 := queryInt(query, "limit", rule{minimum: bound(1.0), maximum: bound(100.0)})
	qOffset, err2 := queryInt(query, "offset", rule{minimum: bound(0.0)})
	qGenre, err3 := queryString(query, "genre", rule{enum: []string{"fiction", "non-fiction", "poetry", "drama"}})
	if err := errors.Join(err1, err2, err3); err != nil {
		writeInvalid(w, err)
		return
	}
	items := s.store.Books.List()
	if qGenre != nil {
		items = filter(items, func(item Book) bool { return item.Genre == *qGenre })
	}
	total := len(items)
	items = window(items, valueOr(qOffset, 0), -1)
	items = window(items, 0, max(valueOr(qLimit, 20), 0))
	page := map[string]any{
		"items": items,
		"total": total,
	}
	writeJSON(w, 200, page)
}

// handleCreateBook: POST /books (createBook).
func (s *Server) handleCreateBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeNewBook(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Book
	key := newUUID()
	item.ID = key
	item.Title = body.Title
	item.AuthorID = body.AuthorID
	item.Genre = body.Genre
	item.Isbn = body.Isbn
	item.PublishedOn = body.PublishedOn
	item.Tags = body.Tags
	item.CreatedAt = time.Now().UTC().Format(time.RFC3339)
	s.store.Books.Put(key, item)
	writeJSON(w, 201, item)
}

// handleGetBook: GET /books/{bookId} (getBook).
func (s *Server) handleGetBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := strings.ToLower(r.PathValue("key"))
	current, found := s.store.Books.Get(key)
	if !found {
		notFound(w, "book", r.PathValue("key"))
		return
	}
	writeJSON(w, 200, current)
}

// handleReplaceBook: PUT /books/{bookId} (replaceBook).
func (s *Server) handleReplaceBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := strings.ToLower(r.PathValue("key"))
	current, found := s.store.Books.Get(key)
	if !found {
		notFound(w, "book", r.PathValue("key"))
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeNewBook(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Book
	item.ID = current.ID
	item.Title = body.Title
	item.AuthorID = body.AuthorID
	item.Genre = body.Genre
	item.Isbn = body.Isbn
	item.PublishedOn = body.PublishedOn
	item.Tags = body.Tags
	item.CreatedAt = current.CreatedAt
	s.store.Books.Put(key, item)
	writeJSON(w, 200, item)
}

// handleDeleteBook: DELETE /books/{bookId} (deleteBook).
func (s *Server) handleDeleteBook(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := strings.ToLower(r.PathValue("key"))
	_, found := s.store.Books.Get(key)
	if !found {
		notFound(w, "book", r.PathValue("key"))
		return
	}
	s.store.Books.Delete(key)
	w.WriteHeader(204)
}
