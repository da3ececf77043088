module bookstore

go 1.22
