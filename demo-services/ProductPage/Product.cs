namespace Bookinfo.ProductPage;

/// <summary>A book in the store; its summary is trusted HTML.</summary>
public sealed record Product(int Id, string Title, string DescriptionHtml)
{
    /// <summary>The store's only book, as in Istio's sample.</summary>
    public static IReadOnlyList<Product> All { get; } =
    [
        new(0, "The Comedy of Errors",
            "<a href=\"https://en.wikipedia.org/wiki/The_Comedy_of_Errors\">Wikipedia Summary</a>: "
            + "one of <b>William Shakespeare's</b> earliest plays and his shortest, a farce of two pairs of twins "
            + "separated at birth whose humour runs on slapstick, mistaken identity and wordplay."),
    ];
}
