namespace Ferry.Core.Yaml;

/// <summary>Dotted key paths for messages: <c>spec.allow.aws_role_arns[0]</c>, <c>metadata.labels["teleport.dev/origin"]</c>.</summary>
public static class YamlPath
{
    public static string Child(string parent, string key)
    {
        var simple = key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
        if (!simple)
        {
            return $"{parent}[\"{key}\"]";
        }
        return parent.Length == 0 ? key : parent + "." + key;
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";
}
