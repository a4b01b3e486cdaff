extension Unicode.Scalar {
    /// The scalar in lower case when that is one scalar, else itself: case-insensitive patterns
    /// compare text one scalar at a time, so a mapping may not change the text's length.
    package var lowercased: Unicode.Scalar {
        if isASCII { return ("A"..."Z").contains(self) ? Unicode.Scalar(UInt8(value + 32)) : self }
        let mapped = properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first! : self
    }

    /// The scalar in upper case when that is one scalar, else itself.
    var uppercased: Unicode.Scalar {
        if isASCII { return ("a"..."z").contains(self) ? Unicode.Scalar(UInt8(value - 32)) : self }
        let mapped = properties.uppercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first! : self
    }
}
