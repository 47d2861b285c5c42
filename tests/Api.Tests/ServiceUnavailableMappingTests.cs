using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Xunit;

namespace Parking.Api.Tests;

/// <summary>
/// What a request that failed in the cluster is answered: 503 with Retry-After for every failure of the cluster or its
/// storage, also when it arrives wrapped (an activation that failed on a lost silo, parallel calls that all failed),
/// and nothing (the framework's 500) for a failure of the code itself.
/// </summary>
public sealed class ServiceUnavailableMappingTests
{
    public static TheoryData<string, Exception> Unavailable() => new()
    {
        { "silo gone", new SiloUnavailableException() },
        { "call timed out", new TimeoutException("Response did not arrive on time") },
        { "storage unreachable", new FakeDbException() },
        { "cancelled by the cluster", new OperationCanceledException("The silo is stopping") },
        { "activation failed on a lost silo", new InvalidOperationException("Activation failed", new SiloUnavailableException()) },
        { "parallel calls all failed", new AggregateException(new SiloUnavailableException(), new TimeoutException()) },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public async Task A_failure_of_the_cluster_or_its_storage_is_answered_503_with_retry_after(string why, Exception failure)
    {
        var (handled, context) = await Handle(failure, clientGone: false);

        Assert.True(handled, why);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("2", context.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_failure_of_the_code_or_a_client_that_hung_up_is_left_to_the_framework()
    {
        Assert.False((await Handle(new InvalidOperationException("a bug"), clientGone: false)).Handled);
        Assert.False((await Handle(new AggregateException(new SiloUnavailableException(), new ArgumentException("a bug")), clientGone: false)).Handled);
        Assert.False((await Handle(new OperationCanceledException(), clientGone: true)).Handled);
    }

    private static async Task<(bool Handled, HttpContext Context)> Handle(Exception failure, bool clientGone)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        using var aborted = new CancellationTokenSource();
        if (clientGone)
        {
            await aborted.CancelAsync();
        }

        var context = new DefaultHttpContext { RequestServices = services, RequestAborted = aborted.Token };
        context.Request.Path = "/api/compounds/c/availability";
        context.Response.Body = new MemoryStream();
        var handler = new ServiceUnavailableHandler(services.GetRequiredService<IProblemDetailsService>(), services.GetRequiredService<ILogger<ServiceUnavailableHandler>>());
        var handled = await handler.TryHandleAsync(context, failure, CancellationToken.None);
        return (handled, context);
    }

    private sealed class FakeDbException() : DbException("57P03: the database system is starting up");
}
