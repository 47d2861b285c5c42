using Microsoft.Extensions.Time.Testing;
using Parking.Grains.Notifications;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// The push notifier's copy of the hub directory (<see cref="HubDirectoryCopy"/>), on a clock the tests move: renewed in
/// the background once it is old, waited for only when it is too old to send by, renewed again and again however the
/// directory answers (at once, late, or with an error), and as old as the question, not the answer.
/// </summary>
public sealed class HubDirectoryCopyTests
{
    private static readonly TimeSpan JustPastRenewal = HubDirectoryCopy.RenewAfter + TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task A_directory_that_answers_at_once_is_read_again_each_time_the_copy_is_old()
    {
        // A grain call's answer can come back before the caller reaches its await: the read then ends inside the call
        // that starts it. Each renewal must still be followed by the next (a renewal once stood "under way" for ever
        // after such an answer, and hosts registered later never got a batch).
        var reads = 0;
        var copy = new HubDirectoryCopy(() => Task.FromResult(Hosts(++reads)), _clock);

        await copy.Fresh();
        Assert.Equal(1, reads);
        Assert.Single(copy.Observers);

        for (var renewal = 2; renewal <= 4; renewal++)
        {
            _clock.Advance(JustPastRenewal);
            await copy.Fresh();
            Assert.Equal(renewal, reads);
            Assert.Equal(renewal, copy.Observers.Count);
        }
    }

    [Fact]
    public async Task A_copy_younger_than_the_renewal_age_is_sent_by_without_asking()
    {
        var reads = 0;
        var copy = new HubDirectoryCopy(() => Task.FromResult(Hosts(++reads)), _clock);
        await copy.Fresh();

        _clock.Advance(HubDirectoryCopy.RenewAfter - TimeSpan.FromMilliseconds(100));
        var fresh = copy.Fresh();

        Assert.True(fresh.IsCompletedSuccessfully);
        Assert.Equal(1, reads);
    }

    [Fact]
    public async Task An_old_copy_is_renewed_behind_the_batch_and_only_a_copy_too_old_holds_the_batch()
    {
        var answers = new Queue<TaskCompletionSource<IReadOnlyList<IHubObserver>>>();
        var copy = new HubDirectoryCopy(() => Ask(answers), _clock);

        // No copy yet: the first batch waits for one.
        var first = copy.Fresh();
        Assert.False(first.IsCompleted);
        answers.Dequeue().SetResult(Hosts(1));
        await first;

        // Old, not too old: the batch goes with the copy it has while a renewal is asked.
        _clock.Advance(JustPastRenewal);
        Assert.True(copy.Fresh().IsCompletedSuccessfully);
        Assert.Single(answers);
        Assert.Single(copy.Observers);

        // The renewal has not answered and the copy is now too old: the next batch waits for that same renewal.
        _clock.Advance(HubDirectoryCopy.MaxAge);
        var held = copy.Fresh();
        Assert.False(held.IsCompleted);
        Assert.Single(answers);
        answers.Dequeue().SetResult(Hosts(2));
        await held;
        Assert.Equal(2, copy.Observers.Count);
    }

    [Fact]
    public async Task A_failed_read_keeps_the_hosts_known_and_the_next_batch_asks_again()
    {
        var reads = 0;
        var failures = new List<Exception>();
        var copy = new HubDirectoryCopy(
            () => ++reads switch
            {
                1 => Task.FromResult(Hosts(1)),
                2 => Task.FromException<IReadOnlyList<IHubObserver>>(new InvalidOperationException("directory away")),
                3 => throw new InvalidOperationException("directory away at once"),
                _ => Task.FromResult(Hosts(3)),
            },
            _clock)
        {
            Failed = failures.Add,
        };
        await copy.Fresh();

        _clock.Advance(HubDirectoryCopy.MaxAge + TimeSpan.FromSeconds(1));
        await copy.Fresh();
        Assert.Single(copy.Observers);
        await copy.Fresh();
        Assert.Single(copy.Observers);
        await copy.Fresh();

        Assert.Equal(4, reads);
        Assert.Equal(["directory away", "directory away at once"], failures.Select(f => f.Message));
        Assert.Equal(3, copy.Observers.Count);
    }

    [Fact]
    public async Task The_copy_is_as_old_as_the_question_not_the_answer()
    {
        // A host that registers while the directory is asked may be missing from the answer: the copy's age counts
        // from the question, so it is renewed a renewal age after it, not after the late answer.
        var answers = new Queue<TaskCompletionSource<IReadOnlyList<IHubObserver>>>();
        var copy = new HubDirectoryCopy(() => Ask(answers), _clock);
        var first = copy.Fresh();
        _clock.Advance(TimeSpan.FromSeconds(1));
        answers.Dequeue().SetResult(Hosts(1));
        await first;

        _clock.Advance(JustPastRenewal - TimeSpan.FromSeconds(1));
        _ = copy.Fresh();

        Assert.Single(answers);
    }

    private static Task<IReadOnlyList<IHubObserver>> Ask(Queue<TaskCompletionSource<IReadOnlyList<IHubObserver>>> answers)
    {
        var answer = new TaskCompletionSource<IReadOnlyList<IHubObserver>>(TaskCreationOptions.RunContinuationsAsynchronously);
        answers.Enqueue(answer);
        return answer.Task;
    }

    private static IReadOnlyList<IHubObserver> Hosts(int count) => [.. Enumerable.Range(0, count).Select(_ => new Host())];

    private sealed class Host : IHubObserver
    {
        public Task Deliver(IReadOnlyList<Push> pushes) => Task.CompletedTask;
    }
}
