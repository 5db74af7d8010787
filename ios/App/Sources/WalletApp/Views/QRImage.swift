// A payload drawn as a QR code with Core Image (Apple platforms only).
#if canImport(SwiftUI) && canImport(CoreImage.CIFilterBuiltins) && canImport(UIKit)
    import CoreImage.CIFilterBuiltins
    import SwiftUI
    import UIKit

    /// The receive code as an image.
    struct QRImage: View {
        let payload: String
        var body: some View {
            let filter = CIFilter.qrCodeGenerator()
            filter.message = Data(payload.utf8)
            let context = CIContext()
            if let output = filter.outputImage?.transformed(by: CGAffineTransform(scaleX: 8, y: 8)),
               let image = context.createCGImage(output, from: output.extent)
            {
                Image(uiImage: UIImage(cgImage: image)).interpolation(.none)
            } else {
                Text(payload).font(.caption.monospaced())
            }
        }
    }
#elseif canImport(SwiftUI)
    import SwiftUI

    /// The receive code as text where Core Image's QR filter is missing.
    struct QRImage: View {
        let payload: String
        var body: some View { Text(payload).font(.caption.monospaced()) }
    }
#endif
