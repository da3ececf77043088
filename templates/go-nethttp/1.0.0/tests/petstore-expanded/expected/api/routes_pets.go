package api

// Routes of /pets: findPets, addPet, find pet by id, deletePet.

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
)

// handleFindPets: GET /pets (findPets).
func (s *Server) handleFindPets(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	qTags, _ := queryStrings(query, "tags", rule{})
	qLimit, err1 := queryInt(query, "limit", rule{minimum: bound(-2147483648.0), maximum: bound(2147483647.0)})
	if err := errors.Join(err1); err != nil {
		writeInvalid(w, err)
		return
	}
	items := s.store.Pets.List()
	if qTags != nil {
		items = filter(items, func(item Pet) bool { return item.Tag != nil && slices.Contains(qTags, *item.Tag) })
	}
	if qLimit != nil {
		items = window(items, 0, max(*qLimit, 0))
	}
	writeJSON(w, 200, items)
}

// handleAddPet: POST /pets (addPet).
func (s *Server) handleAddPet(w http.ResponseWriter, r *http.Request) {
	raw, ok := readObject(w, r)
	if !ok {
		return
	}
	body, err := decodeNewPet(raw)
	if err != nil {
		writeInvalid(w, err)
		return
	}
	var item Pet
	id := s.store.Pets.NextID()
	key := strconv.FormatInt(id, 10)
	item.ID = id
	item.Name = body.Name
	item.Tag = body.Tag
	s.store.Pets.Put(key, item)
	writeJSON(w, 200, item)
}

// handleFindPetByID: GET /pets/{id} (find pet by id).
func (s *Server) handleFindPetByID(w http.ResponseWriter, r *http.Request) {
	key := intKey(r.PathValue("key"))
	current, found := s.store.Pets.Get(key)
	if !found {
		notFound(w, "pet", r.PathValue("key"))
		return
	}
	writeJSON(w, 200, current)
}

// handleDeletePet: DELETE /pets/{id} (deletePet).
func (s *Server) handleDeletePet(w http.ResponseWriter, r *http.Request) {
	key := intKey(r.PathValue("key"))
	_, found := s.store.Pets.Get(key)
	if !found {
		notFound(w, "pet", r.PathValue("key"))
		return
	}
	s.store.Pets.Delete(key)
	w.WriteHeader(204)
}
