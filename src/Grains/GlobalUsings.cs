global using Orleans;
global using Orleans.Concurrency;
global using Parking.Domain;
global using Parking.Domain.Availability;
global using Parking.Domain.Compounds;
global using Parking.Domain.Layout;
global using Parking.Domain.Reservations;
global using Parking.Domain.Rebalancing;
