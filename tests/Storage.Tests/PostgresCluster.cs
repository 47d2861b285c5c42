using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using Parking.Domain;
using Parking.Grains;
using Parking.Grains.History;
using Parking.Storage.History;

namespace Parking.Storage.Tests;

/// <summary>
/// A two-silo test cluster with membership, grain state and reminders in PostgreSQL, configured as the
/// silo configures itself (<see cref="PostgresSilo.UseParkingPostgres(ISiloBuilder, string, string)"/>).
/// Clusters built with the same database and service id share state, as a restarted deployment does.
/// </summary>
public static class PostgresCluster
{
    private const string ConnectionStringKey = "ParkingTests:ConnectionString";
    private const string HistoryKey = "ParkingTests:HistoryInPostgres";

    /// <param name="connectionString">The cluster's database.</param>
    /// <param name="serviceId">The deployment: clusters started with the same one share state.</param>
    /// <param name="historyInPostgres">
    /// Reservation and charging histories in the database too, as a silo with a connection string keeps them (else in
    /// memory, each silo its own).
    /// </param>
    public static async Task<TestCluster> StartAsync(string connectionString, string serviceId, bool historyInPostgres = false)
    {
        // The silos run in this process, and each test's database has a pool of its own: idle connections of clusters
        // that already stopped would otherwise pile up against the server's max_connections as tests follow each other.
        Npgsql.NpgsqlConnection.ClearAllPools();
        var builder = new TestClusterBuilder(2);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = serviceId;

        // Membership through the database, not the test cluster's in-memory table: that is what is under test.
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.Properties[HistoryKey] = historyInPostgres ? "true" : "false";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>A service of one silo of the cluster (in-process silos).</summary>
    public static IServiceProvider Services(this TestCluster cluster) => ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services;

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var connectionString = siloBuilder.Configuration[ConnectionStringKey]!;
            siloBuilder.UseParkingPostgres(connectionString, GrainKeys.StorageName);
            siloBuilder.AddCompoundPlacement(byCompound: false);
            siloBuilder.Services.AddSingleton(ParkingClock.RealTime);
            siloBuilder.Services.AddParkingSiloServices();
            if (siloBuilder.Configuration[HistoryKey] == "true")
            {
                siloBuilder.Services.AddPostgresHistory(connectionString, new ReservationHistoryOptions());
            }
            else
            {
                siloBuilder.Services.AddInMemoryReservationHistory();
            }
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.UseParkingPostgres(configuration[ConnectionStringKey]!);
    }
}
