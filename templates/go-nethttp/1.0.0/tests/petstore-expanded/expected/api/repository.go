package api

// The in-memory storage behind a Repository interface: another store implements the interface.

import (
	"slices"
	"sync"
)

// Repository stores the items of one resource by key, in the order they were first stored.
type Repository[T any] interface {
	List() []T
	Get(key string) (T, bool)
	Put(key string, item T)
	Delete(key string) bool
	NextID() int64
}

// MemoryRepository is a Repository in memory, safe for concurrent requests.
type MemoryRepository[T any] struct {
	mu    sync.RWMutex
	keys  []string
	items map[string]T
	last  int64
}

func NewMemoryRepository[T any](first int64) *MemoryRepository[T] {
	return &MemoryRepository[T]{items: map[string]T{}, last: first - 1}
}

func (r *MemoryRepository[T]) List() []T {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]T, 0, len(r.keys))
	for _, key := range r.keys {
		out = append(out, r.items[key])
	}
	return out
}

func (r *MemoryRepository[T]) Get(key string) (T, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	item, ok := r.items[key]
	return item, ok
}

func (r *MemoryRepository[T]) Put(key string, item T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.items[key]; !ok {
		r.keys = append(r.keys, key)
	}
	r.items[key] = item
}

func (r *MemoryRepository[T]) Delete(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, found := r.items[key]
	delete(r.items, key)
	r.keys = slices.DeleteFunc(r.keys, func(k string) bool { return k == key })
	return found
}

// NextID is a fresh integer id.
func (r *MemoryRepository[T]) NextID() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last++
	return r.last
}

// Store holds every resource's repository.
type Store struct {
	Pets Repository[Pet]
}

func NewStore() *Store {
	return &Store{
		Pets: NewMemoryRepository[Pet](1),
	}
}
