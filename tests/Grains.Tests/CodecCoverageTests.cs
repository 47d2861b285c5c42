using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Parking.Domain.Simulation;
using Parking.Domain;
using Parking.Planning.Simulation;
using Xunit;

namespace Parking.Grains.Tests;

/// <summary>
/// Domain carries only Orleans' attributes; its codecs are generated in Parking.Grains. A codec
/// the generator skipped, or a stored member it could not see (a private field of another assembly), would
/// fail only at run time, or lose data silently. So every <c>[GenerateSerializer]</c> type of Domain
/// is filled with non-default values in every member that carries an <c>[Id]</c>, written and read back (and
/// deep-copied) through the cluster's serializer, and compared member by member.
/// </summary>
[Collection(ClusterCollection.Name)]
public class CodecCoverageTests(ClusterFixture fixture)
{
    // Planning had serializable types too, until every record that crosses a grain boundary moved into Domain.
    private static readonly Assembly[] Assemblies = [typeof(TimeWindow).Assembly];

    public static TheoryData<string> SerializableTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in AllSerializableTypes())
        {
            data.Add(type.AssemblyQualifiedName!);
        }

        return data;
    }

    [Fact]
    public void Domain_has_serializable_types_to_check()
    {
        var types = AllSerializableTypes().ToList();
        Assert.Contains(types, t => t.Assembly == Assemblies[0]);
        Assert.True(types.Count > 100, $"only {types.Count} types found");
    }

    [Theory]
    [MemberData(nameof(SerializableTypes))]
    public void Every_member_with_an_id_survives_the_serializer_and_the_copier(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        var serializer = fixture.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var copier = fixture.Cluster.Client.ServiceProvider.GetRequiredService<DeepCopier>();
        var value = new Sampler().Make(type, 0)!;

        var read = serializer.Deserialize<object>(serializer.SerializeToArray<object>(value));
        AssertSame(value, read, type.Name);
        AssertSame(value, copier.Copy<object>(value), type.Name + " (copy)");
    }

    private static IEnumerable<Type> AllSerializableTypes() => Assemblies
        .SelectMany(a => a.GetTypes())
        .Where(t => t.GetCustomAttribute<GenerateSerializerAttribute>(inherit: false) is not null && !t.IsAbstract)
        .Select(t => t.IsGenericTypeDefinition ? t.MakeGenericType(t.GetGenericArguments().Select(_ => typeof(string)).ToArray()) : t)
        .OrderBy(t => t.FullName, StringComparer.Ordinal);

    private static bool IsSerializable(Type type) => type.GetCustomAttribute<GenerateSerializerAttribute>(inherit: false) is not null;

    /// <summary>The fields the codec must carry: those with an [Id], directly or through their property or record parameter.</summary>
    private static IEnumerable<FieldInfo> StoredFields(Type type)
    {
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            if (!IsSerializable(t.IsGenericType ? t.GetGenericTypeDefinition() : t))
            {
                continue;
            }

            var parameters = t.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .SelectMany(c => c.GetParameters())
                .Where(p => p.GetCustomAttribute<IdAttribute>() is not null)
                .Select(p => p.Name)
                .ToHashSet(StringComparer.Ordinal);
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.GetCustomAttribute<IdAttribute>() is not null)
                {
                    yield return field;
                    continue;
                }

                if (field.Name.StartsWith('<') && field.Name.EndsWith(">k__BackingField", StringComparison.Ordinal))
                {
                    var name = field.Name[1..field.Name.IndexOf('>', StringComparison.Ordinal)];
                    var property = t.GetProperty(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
                    if (property?.GetCustomAttribute<IdAttribute>() is not null || parameters.Contains(name))
                    {
                        yield return field;
                    }
                }
            }
        }
    }

    private static void AssertSame(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, read {actual ?? "null"}");
            return;
        }

        var type = expected.GetType();
        Assert.True(type == actual.GetType(), $"{path}: expected a {type.Name}, read a {actual.GetType().Name}");
        if (IsSerializable(type.IsGenericType ? type.GetGenericTypeDefinition() : type))
        {
            foreach (var field in StoredFields(type))
            {
                AssertSame(field.GetValue(expected), field.GetValue(actual), $"{path}.{field.Name}");
            }

            return;
        }

        if (expected is IDictionary dictionary)
        {
            var other = (IDictionary)actual;
            Assert.True(dictionary.Count == other.Count, $"{path}: {dictionary.Count} entries written, {other.Count} read");
            foreach (DictionaryEntry entry in dictionary)
            {
                AssertSame(entry.Value, other[entry.Key], $"{path}[{entry.Key}]");
            }

            return;
        }

        if (expected is IEnumerable sequence and not string)
        {
            var left = sequence.Cast<object?>().ToList();
            var right = ((IEnumerable)actual).Cast<object?>().ToList();
            Assert.True(left.Count == right.Count, $"{path}: {left.Count} items written, {right.Count} read");
            for (var i = 0; i < left.Count; i++)
            {
                AssertSame(left[i], right[i], $"{path}[{i}]");
            }

            return;
        }

        Assert.True(Equals(expected, actual), $"{path}: expected {expected}, read {actual}");
    }

    /// <summary>Builds a value of a type with every stored member set to something other than its default.</summary>
    private sealed class Sampler
    {
        private const int MaxDepth = 5;
        private int _counter;

        public object? Make(Type type, int depth)
        {
            _counter++;
            var underlying = Nullable.GetUnderlyingType(type);
            if (underlying is not null)
            {
                return Make(underlying, depth);
            }

            if (type == typeof(string))
            {
                return $"s{_counter}";
            }

            if (type == typeof(object))
            {
                return $"o{_counter}";
            }

            if (type.IsEnum)
            {
                var values = Enum.GetValues(type);
                return values.GetValue(values.Length - 1);
            }

            if (type == typeof(bool))
            {
                return true;
            }

            if (type.IsPrimitive || type == typeof(decimal))
            {
                return Convert.ChangeType(_counter % 100 + 1, type, System.Globalization.CultureInfo.InvariantCulture);
            }

            if (type == typeof(DateTimeOffset))
            {
                return new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero).AddMinutes(_counter);
            }

            if (type == typeof(DateTime))
            {
                return new DateTime(2026, 11, 23, 8, 0, 0, DateTimeKind.Utc).AddMinutes(_counter);
            }

            if (type == typeof(TimeSpan))
            {
                return TimeSpan.FromMinutes(_counter);
            }

            if (type == typeof(TimeOnly))
            {
                return new TimeOnly(7, _counter % 60);
            }

            if (type == typeof(DateOnly))
            {
                return new DateOnly(2026, 11, 1 + _counter % 28);
            }

            if (type == typeof(Guid))
            {
                return Guid.NewGuid();
            }

            if (type.IsArray)
            {
                var array = Array.CreateInstance(type.GetElementType()!, 1);
                array.SetValue(Make(type.GetElementType()!, depth + 1), 0);
                return array;
            }

            if (type.IsGenericType && MakeCollection(type, depth) is { } collection)
            {
                return collection;
            }

            var concrete = type.IsAbstract ? ConcreteFor(type) : type;
            if (concrete is null || !IsSerializable(concrete.IsGenericType ? concrete.GetGenericTypeDefinition() : concrete))
            {
                return type.IsValueType ? Activator.CreateInstance(type) : null;
            }

            if (depth > MaxDepth)
            {
                return concrete.IsValueType ? Activator.CreateInstance(concrete) : null;
            }

            var value = RuntimeHelpers.GetUninitializedObject(concrete);
            foreach (var field in StoredFields(concrete))
            {
                field.SetValue(value, Make(field.FieldType, depth + 1));
            }

            return value;
        }

        private object? MakeCollection(Type type, int depth)
        {
            var definition = type.GetGenericTypeDefinition();
            var arguments = type.GetGenericArguments();
            if (arguments.Length == 1 && (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(ICollection<>) || definition == typeof(IReadOnlyCollection<>)))
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(arguments))!;
                list.Add(Make(arguments[0], depth + 1));
                return list;
            }

            if (arguments.Length == 1 && (definition == typeof(HashSet<>) || definition == typeof(ISet<>) || definition == typeof(IReadOnlySet<>)))
            {
                var set = Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(arguments))!;
                set.GetType().GetMethod("Add")!.Invoke(set, [Make(arguments[0], depth + 1)]);
                return set;
            }

            if (arguments.Length == 2 && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>)))
            {
                var dictionary = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(arguments))!;
                dictionary.Add(Make(arguments[0], depth + 1)!, Make(arguments[1], depth + 1));
                return dictionary;
            }

            return null;
        }

        private static Type? ConcreteFor(Type abstractType) => abstractType.Assembly.GetTypes()
            .Where(t => !t.IsAbstract && !t.IsGenericTypeDefinition && abstractType.IsAssignableFrom(t) && IsSerializable(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
