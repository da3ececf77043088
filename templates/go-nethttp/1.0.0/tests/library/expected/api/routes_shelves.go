package api

// Routes of /shelves: listShelves, createShelf, getShelf, deleteShelf, updateShelf.

import (
	"errors"
	"net/http"
	"strconv"
)

// handleListShelves: GET /shelves (listShelves).
func (s *Server) handleListShelves(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	query := r.URL.Query()
	qLimit, err1 := queryInt(query, "limit", rule{minimum: bound(1.0), maximum: bound(50.0)})
	qOffset, err2 := queryInt(query, "offset", rule{minimum: bound(0.0)})
	if err := errors.Join(err1, err2); err != nil {
		writeInvalid(w, err)
		return
	}
	items := s.store.Shelves.List()
	items = window(items, valueOr(qOffset, 0), -1)
	items = window(items, 0, max(valueOr(qLimit, 10), 0))
	writeJSON(w, 200, items)
}

// handleCreateShelf: POST /shelves (createShelf).
func (s *Server) handleCreateShelf(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeShelfInput(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Shelf
	id := s.store.Shelves.NextID()
	key := strconv.FormatInt(id, 10)
	item.ID = id
	item.Label = body.Label
	item.Floor = body.Floor
	s.store.Shelves.Put(key, item)
	writeJSON(w, 201, item)
}

// handleGetShelf: GET /shelves/{shelfId} (getShelf).
func (s *Server) handleGetShelf(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := intKey(r.PathValue("key"))
	current, found := s.store.Shelves.Get(key)
	if !found {
		notFound(w, "shelve", r.PathValue("key"))
		return
	}
	writeJSON(w, 200, current)
}

// handleDeleteShelf: DELETE /shelves/{shelfId} (deleteShelf).
func (s *Server) handleDeleteShelf(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := intKey(r.PathValue("key"))
	_, found := s.store.Shelves.Get(key)
	if !found {
		notFound(w, "shelve", r.PathValue("key"))
		return
	}
	s.store.Shelves.Delete(key)
	w.WriteHeader(204)
}

// handleUpdateShelf: PATCH /shelves/{shelfId} (updateShelf).
func (s *Server) handleUpdateShelf(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r) {
		return
	}
	key := intKey(r.PathValue("key"))
	current, found := s.store.Shelves.Get(key)
	if !found {
		notFound(w, "shelve", r.PathValue("key"))
		return
	}
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeShelfPatch(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	if _, sent := raw["label"]; sent {
		if body.Label != nil {
			current.Label = *body.Label
		}
	}
	if _, sent := raw["floor"]; sent {
		current.Floor = body.Floor
	}
	s.store.Shelves.Put(key, current)
	writeJSON(w, 200, current)
}
