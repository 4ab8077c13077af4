import Foundation
import XCTest

@testable import StudyKit

/// The lexicon fixes of codebook keep4o 1.1, one test per failure seen on real posts (issue 12).
/// Every sentence is written here, not taken from a post. Each test first shows the failure with
/// the archived 1.0 codebook (so the test could fail), then the fix with the current one.
final class LexiconFixTests: XCTestCase {
    static let old = try! CodebookLoader.load(path: Repository.path("codebooks/archive/keep4o-1.0.yaml"))
    static let new = try! CodebookLoader.load(path: Repository.path("codebooks/keep4o.yaml"))
    static let oldCoder = LexiconCoder(codebook: old)
    static let newCoder = LexiconCoder(codebook: new)

    func present(
        _ coder: LexiconCoder, _ text: String, _ category: String, language: String? = "en",
        thread: String? = nil
    ) -> Bool {
        coder.code(text: TextNormalizer.nfkc(text), language: language, thread: thread).first {
            $0.category == category
        }!.value
    }

    func evidence(_ coder: LexiconCoder, _ text: String, _ category: String, thread: String? = nil) -> String {
        coder.code(text: TextNormalizer.nfkc(text), language: "en", thread: thread).first { $0.category == category }!
            .evidence
    }

    func testVersions() {
        XCTAssertEqual(Self.old.version, "1.0")
        XCTAssertEqual(Self.new.version, "1.1")
        XCTAssertEqual(Self.newCoder.coderName, "lexicon:keep4o@1.1")
    }

    // Failure: "Please don't kill my friend 4o" / "Don't take my companion away": the plea's
    // "don't" negated companion.
    func testPleasAreNotNegations() {
        let pleas = [
            "Please don't delete my best friend, OpenAI. Keep 4o.",
            "Don't take my companion away from me, bring 4o back",
            "please don't kill my friend, 4o deserves better",
        ]
        for plea in pleas {
            XCTAssertFalse(present(Self.oldCoder, plea, "companion"), "1.0: \(plea)")
            XCTAssertTrue(present(Self.newCoder, plea, "companion"), "1.1: \(plea)")
        }
        // A real negation right before the match still cancels it.
        XCTAssertFalse(present(Self.newCoder, "4o was never my friend, just autocomplete.", "companion"))
        XCTAssertTrue(evidence(Self.newCoder, "4o was never my friend.", "companion").contains(#""negated":true"#))
    }

    // Failure: "can't", "won't", "cannot" were no negation cues.
    func testContractedNegationsCancel() {
        let text = "I won't cry about 4o going away."
        XCTAssertTrue(present(Self.oldCoder, text, "grief"))
        XCTAssertFalse(present(Self.newCoder, text, "grief"))
        XCTAssertFalse(
            present(Self.newCoder, "GPT-5 cannot be cold when you set it up well, 4o fans exaggerate.", "gpt5_negative")
        )
        // …but an emphatic idiom with a verb taking the negation is not a negation.
        XCTAssertTrue(present(Self.newCoder, "I can't stop crying since 4o left.", "grief"))
    }

    // Failure: "I never used 4o as a romantic partner or a friend" was coded companion.
    func testLongNegationReachesTheEndOfItsClause() {
        let text = "Honestly I never used 4o as a romantic partner or a friend."
        XCTAssertTrue(present(Self.oldCoder, text, "companion"))
        XCTAssertFalse(present(Self.newCoder, text, "companion"))
        // The clause ends at a comma: a later clause is not negated.
        XCTAssertTrue(present(Self.newCoder, "I never used 4o for work, it was my best friend.", "companion"))
    }

    // Failure: reported words ("they were promoting ChatGPT as their companion") counted as the
    // author's own.
    func testReportedSpeechCountsForLess() {
        let text = "OpenAI spent a year promoting ChatGPT as their companion and then killed 4o"
        XCTAssertTrue(present(Self.oldCoder, text, "companion"))
        XCTAssertFalse(present(Self.newCoder, text, "companion"))
        XCTAssertTrue(evidence(Self.newCoder, text, "companion").contains(#""reported":true"#))
        // In quotation marks: someone else's words.
        let quoted = #"My coworker keeps saying "it's your best friend" to mock me, and 4o is gone anyway."#
        XCTAssertTrue(present(Self.oldCoder, quoted, "companion"))
        XCTAssertFalse(present(Self.newCoder, quoted, "companion"))
        // The same words as the author's own still count.
        XCTAssertTrue(present(Self.newCoder, "4o is my best friend and they took it away.", "companion"))
        // Two reported cues together reach the threshold: weakened, not erased.
        XCTAssertTrue(
            present(Self.newCoder, #"They call 4o "my best friend" and "my companion" in every thread."#, "companion"))
        // The gate is exempt: quoting someone about 4o is still about 4o.
        XCTAssertTrue(present(Self.newCoder, #"Sam wrote "we are retiring GPT-4o" as if it were nothing."#, "relevant"))
    }

    // Failure: "those in AI companion subreddit" (companion), "going cold turkey off of AI"
    // (gpt5_negative via "cold").
    func testIgnoreWithinPhrases() {
        let genre = "Half the people in AI companion subreddits are talking about 4o today."
        XCTAssertTrue(present(Self.oldCoder, genre, "companion"))
        XCTAssertFalse(present(Self.newCoder, genre, "companion"))
        XCTAssertTrue(evidence(Self.newCoder, genre, "companion").contains(#""ignored_within":"ai companion""#))
        XCTAssertTrue(present(Self.newCoder, "My AI companion lived in 4o.", "companion"))

        let idiom = "I'm going cold turkey on ChatGPT now that 4o is gone."
        XCTAssertTrue(present(Self.oldCoder, idiom, "gpt5_negative"))
        XCTAssertFalse(present(Self.newCoder, idiom, "gpt5_negative"))
        XCTAssertTrue(present(Self.newCoder, "GPT-5 is so cold compared to 4o.", "gpt5_negative"))
    }

    // Failure: "every other AI is better at coding" was instrumental_dependency.
    func testABareActivityIsNotDependency() {
        let text = "Every other AI is better at coding than GPT-5 anyway."
        XCTAssertTrue(present(Self.oldCoder, text, "instrumental_dependency"))
        XCTAssertFalse(present(Self.newCoder, text, "instrumental_dependency"))
        XCTAssertTrue(
            present(Self.newCoder, "My whole workflow ran on 4o and GPT-5 broke my code.", "instrumental_dependency"))
    }

    // Failure: the gate let in "Rating: 4.0 stars" and "My GPT wrote my essay".
    func testNarrowerRelevanceMarkers() {
        for text in ["Rating: 4.0 stars, would stay again.", "My GPT wrote my history essay overnight."] {
            XCTAssertTrue(present(Self.oldCoder, text, "relevant", language: nil), "1.0: \(text)")
            XCTAssertFalse(present(Self.newCoder, text, "relevant", language: nil), "1.1: \(text)")
        }
        XCTAssertTrue(present(Self.newCoder, "My 4.0 was the kindest voice I knew.", "relevant"))
        XCTAssertTrue(present(Self.newCoder, "OpenAI just made ChatGPT worse for everyone.", "relevant"))
        XCTAssertTrue(present(Self.newCoder, "bring back GPT-4o", "relevant"))
    }

    // Failure: the gate dropped replies whose relevance lives in the thread ("Don't let anyone make
    // you feel bad for grieving" under a thread about the shutdown).
    func testRepliesInheritRelevanceFromTheirThreadWhenOnTheme() {
        let reply = "Nobody gets to shame you for grieving, take your time."
        let thread = "They are shutting down GPT-4o on Friday"
        XCTAssertFalse(present(Self.oldCoder, reply, "relevant", thread: thread))
        XCTAssertTrue(present(Self.newCoder, reply, "relevant", thread: thread))
        XCTAssertTrue(present(Self.newCoder, reply, "grief", thread: thread))
        XCTAssertTrue(evidence(Self.newCoder, reply, "relevant", thread: thread).contains(#"{"rule":"thread"}"#))
        // Off-theme replies stay out, and a thread not about 4o gives nothing.
        XCTAssertFalse(present(Self.newCoder, "lol same, my cat does that too", "relevant", thread: thread))
        XCTAssertFalse(present(Self.newCoder, reply, "relevant", thread: "My dog passed away last week"))
    }
}
