using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Serialization;
using Parking.Grains;

namespace Parking.Storage;

public static class PostgresSilo
{
    /// <summary>The ADO.NET invariant of Npgsql, which Orleans maps to its provider factory.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Membership, grain state (<paramref name="storageName"/>) and reminders in PostgreSQL through
    /// Orleans' ADO.NET providers. The schema must be in place before the silo starts (see
    /// <see cref="SchemaMigrator"/>): the providers read their queries from it when they initialize.
    /// </summary>
    public static ISiloBuilder UseParkingPostgres(this ISiloBuilder silo, string connectionString, string storageName)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(storageName, o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });

        // Orleans' binary serializer for stored state, as with the in-memory storage: the default (JSON)
        // took half the CPU of a reservation. It also reads state an earlier build stored in a layout since
        // changed, or under type names since changed (EarlierTypeNames).
        silo.Services.AddOptions<AdoNetGrainStorageOptions>(storageName)
            .Configure<Serializer>((storage, serializer) => storage.GrainStorageSerializer = new StoredStateSerializer(serializer));
        silo.Services.AddEarlierTypeNames();
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        return silo;
    }

    /// <summary>Lets a client find the gateways through the same membership table.</summary>
    public static IClientBuilder UseParkingPostgres(this IClientBuilder client, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
    }
}
