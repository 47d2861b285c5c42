using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Parking.Api;

/// <summary>
/// When the cluster or its storage cannot answer (a silo gone, storage down, a call timed out), the
/// client gets 503 problem details with Retry-After, not a 500: the request may be retried as it is.
/// </summary>
public sealed partial class ServiceUnavailableHandler(IProblemDetailsService problems, ILogger<ServiceUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException badRequest)
        {
            return await WriteMalformed(httpContext, badRequest);
        }

        if (!IsUnavailable(exception, httpContext.RequestAborted))
        {
            return false;
        }

        LogUnavailable(exception, httpContext.Request.Path);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "2";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is briefly unavailable.",
                Detail = "The cluster or its storage did not answer in time. Retry the request; with an Idempotency-Key a retried reservation is never made twice.",
                Type = Problems.TypeFor("service-unavailable"),
            },
        });
    }

    /// <summary>
    /// Whether the request failed because the cluster or its storage could not answer, not because of the request: an
    /// Orleans failure (a silo gone, a message rejected, a grain's state conflict after a move), a timeout, the
    /// database unreachable, or a call cancelled by the cluster (not by the client hanging up, whose request has no
    /// answer anyway). The same found inside another exception (an activation that failed on one of these, an
    /// aggregate of parallel calls that all failed so) counts too: after a silo was killed, such wrapped failures
    /// escaped as 500.
    /// </summary>
    public static bool IsUnavailable(Exception exception, CancellationToken requestAborted) => exception switch
    {
        OrleansException or TimeoutException or DbException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(e => IsUnavailable(e, requestAborted)),
        { InnerException: { } inner } => IsUnavailable(inner, requestAborted),
        _ => false,
    };

    /// <summary>
    /// A body that is not JSON, or a value of the wrong type, fails binding before the endpoint runs:
    /// 400 naming the field where the JSON reader can tell it.
    /// </summary>
    private async ValueTask<bool> WriteMalformed(HttpContext httpContext, BadHttpRequestException exception)
    {
        var field = exception.InnerException is System.Text.Json.JsonException { Path: { Length: > 0 } path }
            ? path.TrimStart('$', '.')
            : BoundParameter().Match(exception.Message) is { Success: true } bound ? bound.Groups["name"].Value : "body";
        if (field.Length == 0)
        {
            field = "body";
        }

        var reason = exception.InnerException is System.Text.Json.JsonException
            ? "The value is not valid JSON of the expected type (dates are ISO 8601 with an offset)."
            : exception.Message;
        httpContext.Response.StatusCode = exception.StatusCode;
        var problem = Problems.From(DomainError.Invalid(field, "malformed-request", reason)).ProblemDetails;
        problem.Status = exception.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>A query or route value of the wrong type (page=abc): ASP.NET names the parameter in its message.</summary>
    [System.Text.RegularExpressions.GeneratedRegex("""^Failed to bind parameter "(?:[^"]*\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)" from""")]
    private static partial System.Text.RegularExpressions.Regex BoundParameter();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Path} failed because the cluster or storage is unavailable")]
    private partial void LogUnavailable(Exception exception, string path);
}
