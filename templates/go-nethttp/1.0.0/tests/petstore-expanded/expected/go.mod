module swaggerpetstore

go 1.22
