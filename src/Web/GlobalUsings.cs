global using Parking.Contracts;
