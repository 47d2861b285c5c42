using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Parking.Domain.Credits;

namespace Parking.Api.Endpoints;

public static class CreditEndpoints
{
    public const int MaxLimit = 500;

    public static RouteGroupBuilder MapCreditEndpoints(this RouteGroupBuilder compound)
    {
        var credits = compound.MapGroup("/credits").WithTags("Credits");
        credits.MapGet("/mine", Mine)
            .RequireAuthorization(Policies.Resident)
            .WithSummary("My household's balance and newest ledger entries")
            .WithDescription("limit: 1 to 500 (50). The account opens with the compound's grant on first use.");
        credits.MapGet("/ledger", Ledger)
            .RequireAuthorization(Policies.Staff)
            .WithSummary("Staff: the compound's ledger, its account, the credits in circulation and the newest transactions");
        credits.MapGet("/prices", Prices).WithSummary("Prices per hour, the grant and the refund rule");
        return compound;
    }

    public static async Task<Results<Ok<CreditAccountDto>, ProblemHttpResult>> Mine(string compoundId, int? limit, HttpContext http, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"limit is between 1 and {MaxLimit}.");
        }

        if (http.CurrentUser().HouseholdId is not { } household)
        {
            return Problems.From(DomainError.NotFound("no-household", "Your token names no household, so you have no credit account."));
        }

        var statement = await grains.HouseholdLedger(compoundId, household).GetAccount(limit ?? 50);
        return TypedResults.Ok(statement.ToDto());
    }

    public static async Task<Results<Ok<CompoundLedgerDto>, ProblemHttpResult>> Ledger(string compoundId, int? limit, IGrainFactory grains)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Invalid("limit", $"limit is between 1 and {MaxLimit}.");
        }

        var summary = await grains.LedgerSummary(compoundId, limit ?? 100);
        return TypedResults.Ok(new CompoundLedgerDto(
            summary.CompoundBalance,
            summary.InCirculation,
            summary.Total,
            summary.Total == 0,
            summary.Accounts,
            summary.Transactions,
            [.. summary.Recent.Select(t => t.ToDto())]));
    }

    public static Ok<CreditPricesDto> Prices(IOptions<CreditPolicy> policy)
    {
        var p = policy.Value;
        return TypedResults.Ok(new CreditPricesDto(p.SharedPerHour, p.CommonPerHour, p.TemporaryPerHour, p.Grant, p.RefundNotice));
    }

    public static CreditAccountDto ToDto(this AccountStatement s) => new(s.Account, s.Balance, [.. s.Transactions.Select(t => t.ToDto())]);

    public static LedgerTransactionDto ToDto(this LedgerTransaction t) => new(t.Number, t.At, t.Kind.ToDto(), t.Debit, t.Credit, t.Amount, t.Reference);
}
