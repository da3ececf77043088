module library

go 1.22
